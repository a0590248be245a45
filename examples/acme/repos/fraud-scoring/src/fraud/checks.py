"""Validate the training data before each run."""

import pandera as pa

TRANSACTIONS = pa.DataFrameSchema(
    {
        "amount": pa.Column(float, pa.Check.ge(0)),
        "is_fraud": pa.Column(int, pa.Check.isin([0, 1])),
    }
)
