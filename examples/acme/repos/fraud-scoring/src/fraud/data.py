"""Load the labelled transactions used for training."""

import pandas as pd


def load_training_frame(sample: bool = False) -> pd.DataFrame:
    frame = pd.read_parquet("data/transactions.parquet")
    return frame.sample(frac=0.01, random_state=42) if sample else frame
