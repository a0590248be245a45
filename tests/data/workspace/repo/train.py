import mlflow
from sklearn.linear_model import LogisticRegression

mlflow.autolog()
LogisticRegression(random_state=0)
