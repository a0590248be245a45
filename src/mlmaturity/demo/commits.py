"""Each quarter's commits to a team's repository: the practices adopted and the routine work
between them, on working days, by the team's people (and a bot), all drawn from the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from mlmaturity.demo.plan import DEPENDABOT, Person, Quarter, TeamPlan, person

ROUTINE = {
    "pricing": (
        "Add {feature} to the rating factors",
        "Tune the learning rate",
        "Fix the holdout split for mid-term adjustments",
        "Faster feature build for large extracts",
        "Refresh the test sample",
        "Clarify the model card's limitations",
        "Type hints in the data module",
        "Drop {feature}: leaks the renewal decision",
        "Log the evaluation report as an artifact",
    ),
    "claims": (
        "Add {feature} to the severity features",
        "Try more leaves",
        "Notebook: look at the high-severity claims",
        "Fix the reporting-lag feature for weekend claims",
        "Rerun the training notebook on the March extract",
        "Remove the unused imports",
        "Handle missing injury flags",
    ),
    "marketing": (
        "Rerun with the new customer extract",
        "Fix the tenure calculation",
        "Try 500 trees",
        "Segments for the spring campaign",
        "Update the outputs for the CRM team",
        "Notebook cleanup",
    ),
}
BUMPS = (
    "Bump scikit-learn from 1.6.1 to 1.7.0",
    "Bump mlflow from 3.1.0 to 3.2.0",
    "Bump python from 3.11.9-slim to 3.11.10-slim",
    "Bump pandas from 2.2.3 to 2.3.0",
)
FEATURE_WORDS = ("annual_mileage", "vehicle_age", "policy_tenure", "garage_network", "third_party")


@dataclass(frozen=True)
class PlannedCommit:
    at: datetime
    author: Person
    message: str
    steps_done: int
    """How many of the quarter's steps are in place once this commit is made."""
    practice: str | None = None
    """The practice this commit brings, if it is one of the quarter's steps."""


def plan_commits(team: TeamPlan, quarter: Quarter, seed: int) -> list[PlannedCommit]:
    """The quarter's commits in time order; the first step of the first quarter comes first."""
    index = quarter.index
    rng = random.Random(f"{seed}/commits/{team.id}/{index}")
    steps = team.steps[index]
    count = len(steps) + team.routine_commits[index]
    weekdays = [
        d for d in range(quarter.days - 1) if (quarter.start + timedelta(days=d)).weekday() < 5
    ]
    days = sorted(rng.sample(weekdays, count))
    at_step = {(i * count) // len(steps): i for i in range(len(steps))}
    authors = team.authors(index)
    bot = "dependabot" in team.practices(index - 1) if index else False
    bumps = rng.sample(BUMPS, len(BUMPS))
    planned, done = [], 0
    for position, day in enumerate(days):
        moment = quarter.moment(day, rng.randint(8, 18), rng.randrange(60))
        if position in at_step:
            step = steps[at_step[position]]
            done += 1
            planned.append(
                PlannedCommit(moment, person(step.by), step.message, done, step.practice)
            )
            continue
        if bot and bumps and rng.random() < 0.25:
            planned.append(PlannedCommit(moment, DEPENDABOT, bumps.pop(), done))
            continue
        message = rng.choice(ROUTINE[team.id]).format(feature=rng.choice(FEATURE_WORDS))
        planned.append(PlannedCommit(moment, rng.choice(authors), message, done))
    return planned
