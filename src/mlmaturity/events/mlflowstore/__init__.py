"""The MLflow collector: tracking and registry stores read without ever writing to them."""
