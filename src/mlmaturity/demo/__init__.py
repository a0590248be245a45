"""The demo organization: three teams at different maturity, evolving over four quarters.

`mlmaturity demo DIR` builds it (real git repositories, MLflow stores written with the MLflow
client, event files and survey answers), assesses it as of the end of each quarter and
writes the reports. Every random choice comes from the seed.
"""
