"""The demo organization on paper: its teams, people, quarters and what each team adopts when.

Everything else in the demo is derived from this plan and the seed: the repositories'
files and commits, the MLflow runs and registry, the event files and the survey answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ORGANIZATION = "Northwind Mutual"
DEFAULT_SEED = 2026
TARGET_STAGE = 3


@dataclass(frozen=True)
class Quarter:
    index: int
    """Which of the demo's quarters it is: 0 for the first."""
    milestone: str
    start: date
    end: date

    @property
    def assessed_at(self) -> datetime:
        """When the quarter's assessment is made: its last day, in the late afternoon."""
        return datetime.combine(self.end, time(17, 0), UTC)

    def moment(self, day: int, hour: int = 10, minute: int = 0) -> datetime:
        """``day`` days after the quarter's start, at ``hour``:``minute`` UTC."""
        return datetime.combine(self.start + timedelta(days=day), time(hour, minute), UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


QUARTER_COUNT = 4


def quarters(as_of: date, count: int = QUARTER_COUNT) -> tuple[Quarter, ...]:
    """The last ``count`` calendar quarters completed before the day ``as_of``, oldest first:
    the quarter holding ``as_of`` is still under way (on its last day too)."""
    current = as_of.year * 4 + (as_of.month - 1) // 3
    found = []
    for index, number in enumerate(range(current - count, current)):
        year, quarter = divmod(number, 4)
        start = date(year, 3 * quarter + 1, 1)
        following = date(year + 1, 1, 1) if quarter == 3 else date(year, 3 * quarter + 4, 1)
        found.append(Quarter(index, f"{year}-Q{quarter + 1}", start, following - timedelta(days=1)))
    return tuple(found)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team: str
    role: str
    """A survey role: data-science, ml-engineering, platform-ops, product or leadership."""
    commits: bool = True
    joins: int = 0
    """The index of the quarter the person joins the team in."""
    address: str = ""

    @property
    def email(self) -> str:
        return self.address or f"{self.id}@northwind-mutual.example"


PEOPLE = (
    Person("priya", "Priya Raman", "pricing", "data-science"),
    Person("jonas", "Jonas Berg", "pricing", "ml-engineering"),
    Person("mei", "Mei Tanaka", "pricing", "platform-ops"),
    Person("olu", "Olu Adeyemi", "pricing", "product", commits=False),
    Person("carlos", "Carlos Mendes", "claims", "data-science"),
    Person("hana", "Hana Kim", "claims", "data-science"),
    Person("tom", "Tom Becker", "claims", "ml-engineering"),
    Person("sofia", "Sofia Rossi", "claims", "product", commits=False),
    Person("dana", "Dana Whitfield", "claims", "leadership", commits=False),
    Person("lena", "Lena Fischer", "marketing", "data-science"),
    Person("raj", "Raj Patel", "marketing", "data-science", joins=1),
    Person("sam", "Sam Okafor", "marketing", "product", commits=False),
    Person("ines", "Ines Moreau", "marketing", "leadership", commits=False),
)


@dataclass(frozen=True)
class Step:
    """A practice a team adopts in a quarter, with the commit that brings it."""

    practice: str
    message: str
    by: str
    """The id of the person who commits it."""


@dataclass(frozen=True)
class TeamPlan:
    id: str
    name: str
    repository: str
    model: str
    style: str
    """What the team is like: "notebooks", "tracked" (by hand) or "automated"."""
    routine_commits: tuple[int, ...]
    """Commits per quarter besides the steps (feature work, fixes, notebook reruns)."""
    steps: tuple[tuple[Step, ...], ...]
    """Per quarter, the practices adopted, in order."""

    def practices(self, quarter: int, steps_done: int | None = None) -> frozenset[str]:
        """What the team does by the end of ``quarter`` (or after its first ``steps_done``)."""
        done = [s.practice for q in self.steps[:quarter] for s in q]
        current = self.steps[quarter]
        done += [s.practice for s in current[: len(current) if steps_done is None else steps_done]]
        return frozenset(done)

    @property
    def people(self) -> tuple[Person, ...]:
        return tuple(p for p in PEOPLE if p.team == self.id)

    def authors(self, quarter: int) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.commits and p.joins <= quarter)


DEPENDABOT = Person(
    "dependabot",
    "dependabot[bot]",
    "pricing",
    "ml-engineering",
    address="49699333+dependabot[bot]@users.noreply.github.com",
)
"""Commits dependency updates to the pricing repository once it is configured."""


def _steps(*quarters: list[tuple[str, str, str]]) -> tuple[tuple[Step, ...], ...]:
    return tuple(tuple(Step(*s) for s in q) for q in quarters)


PRICING = TeamPlan(
    id="pricing",
    name="Motor pricing",
    repository="motor-pricing",
    model="motor-risk",
    style="automated",
    routine_commits=(14, 14, 14, 14),
    steps=_steps(
        [
            ("package", "Move motor pricing out of the analytics monorepo", "jonas"),
            ("tests", "Unit, data and model quality tests", "priya"),
            ("tracking", "Log training runs, datasets and the commit to MLflow", "priya"),
            ("ci", "CI: lint, type-check and test every push", "jonas"),
            ("ci-train", "CI trains, evaluates and registers the model", "jonas"),
            ("registry", "Promote with the champion alias after the quality gate", "jonas"),
            ("container", "Serve from a Docker image pinned by digest", "mei"),
            ("iac", "Terraform for the endpoint and the training bucket", "mei"),
            ("docs", "Model card, runbook and CODEOWNERS", "priya"),
            ("dvc", "Version the training data with DVC", "priya"),
        ],
        [
            ("cd", "Deploy the champion from a CD workflow", "mei"),
            ("pipeline", "Training as a Prefect flow", "jonas"),
            ("schedule", "Retrain every Monday on a schedule", "jonas"),
            ("monitoring", "Weekly Evidently drift report on scoring data", "priya"),
        ],
        [
            ("validation", "Validate the training data with pandera before training", "priya"),
            ("feature-store", "Serve driver and vehicle features from Feast", "jonas"),
            ("security", "Dependency, secret and model scans in CI", "mei"),
            ("fairness", "Fairness and SHAP explanations in the evaluation report", "priya"),
            ("robustness", "Robustness tests against quote manipulation", "priya"),
            ("autoscaling", "Autoscale the scoring service", "mei"),
            ("dependabot", "Dependabot for Python and Docker updates", "mei"),
        ],
        [
            ("drift-retrain", "Retrain when the drift monitor fires", "jonas"),
            ("canary", "Canary rollout with automatic rollback", "mei"),
            ("card-generator", "Generate the model card from the registry", "priya"),
        ],
    ),
)

CLAIMS = TeamPlan(
    id="claims",
    name="Claims triage",
    repository="claims-triage",
    model="claims-severity",
    style="tracked",
    routine_commits=(8, 8, 9, 9),
    steps=_steps(
        [
            ("package", "Claims severity model: notebooks and a training script", "carlos"),
            ("tracking", "Track experiments on the shared MLflow server", "hana"),
            ("tests", "First unit tests for the feature code", "hana"),
        ],
        [
            ("ci", "GitLab CI runs ruff and pytest on merge requests", "tom"),
        ],
        [
            (
                "config",
                "Move hyperparameters to params.yaml, set the seeds, `make train`",
                "carlos",
            ),
            ("pinned", "Pin the requirements", "tom"),
            ("no-pickles", "Stop committing model files", "tom"),
            ("stripped", "Strip notebook outputs with nbstripout", "hana"),
            ("container", "Dockerfile for the scoring job", "tom"),
            ("card", "Model card for the severity model", "hana"),
        ],
        [
            ("owners", "CODEOWNERS and a runbook for the scoring job", "tom"),
            ("data", "Version the claims extract with DVC and test it", "hana"),
            ("datasets", "Log the training and holdout datasets with each run", "carlos"),
            ("skops", "Save the model with skops instead of joblib", "tom"),
            ("api", "Serve severity scores to the claims system over HTTP", "tom"),
            ("iac", "Terraform for the scoring VM", "tom"),
        ],
    ),
)

MARKETING = TeamPlan(
    id="marketing",
    name="Customer analytics",
    repository="churn-notebooks",
    model="churn",
    style="notebooks",
    routine_commits=(5, 6, 6, 6),
    steps=_steps(
        [
            ("notebooks", "Churn model notebooks", "lena"),
        ],
        [
            ("uplift", "Campaign uplift notebook", "raj"),
        ],
        [
            ("tracking", "Log churn experiments to MLflow from the notebook", "lena"),
        ],
        [
            ("requirements", "requirements.txt for the notebooks", "raj"),
            ("module", "Move the feature code out of the notebook, with a first test", "lena"),
        ],
    ),
)

TEAMS = (PRICING, CLAIMS, MARKETING)
"""In workspace order: the most automated team first."""


def person(person_id: str) -> Person:
    return next(p for p in PEOPLE if p.id == person_id)
