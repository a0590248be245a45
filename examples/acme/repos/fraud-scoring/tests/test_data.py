import pandas as pd


def test_labels_are_binary():
    frame = pd.DataFrame({"is_fraud": [0, 1, 0]})
    assert set(frame["is_fraud"]) <= {0, 1}
