"""What each team does with its models in a quarter: training runs, releases, incidents.

The MLflow writer and the event files are both written from this timeline, so the registry,
the deployments log, the CI history and the incidents tell one story. Runs name the commits
the repository really has.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mlmaturity.demo.git import Commit
from mlmaturity.demo.plan import Quarter, TeamPlan


@dataclass
class Release:
    """A registered model version and, if it went live, its deployment."""

    version: int
    registered: datetime
    deployed: datetime | None = None
    automated: bool = False
    approved_by: str | None = None
    rolled_back: datetime | None = None
    """When production went back to the previous version because of this one."""
    linked: bool = True
    """Whether the version names the run that made it."""


@dataclass
class TrainingRun:
    name: str
    started: datetime
    ended: datetime
    trigger: str | None
    """The `trigger` tag the pipeline sets, or None when nobody set it (by hand)."""
    user: str
    commit: str | None
    metrics: dict[str, float]
    params: dict[str, str]
    datasets: bool = False
    notebook: bool = False
    ci_run: int | None = None
    release: Release | None = None


@dataclass
class Incident:
    opened: datetime
    resolved: datetime | None
    severity: str


@dataclass
class QuarterTimeline:
    runs: list[TrainingRun] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)

    @property
    def releases(self) -> list[Release]:
        return [r.release for r in self.runs if r.release is not None]


Adopted = Mapping[str, datetime]
"""When each practice a team has adopted so far came in (the commit that brought it)."""


def on(adopted: Adopted, practice: str, moment: datetime) -> bool:
    """Whether ``practice`` was in place at ``moment``."""
    since = adopted.get(practice)
    return since is not None and since <= moment


def _commit_before(commits: list[Commit], moment: datetime) -> str | None:
    earlier = [c for c in commits if c.at <= moment]
    return earlier[-1].sha if earlier else None


class TimelineBuilder:
    """Keeps each team's version numbers and quality trend from one quarter to the next."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.versions: dict[str, int] = {}
        self.quality: dict[str, float] = {"pricing": 0.735, "claims": 0.605, "marketing": 0.79}
        self.ci_run = 18_400_000_000

    def quarter(
        self,
        team: TeamPlan,
        quarter: Quarter,
        adopted: Adopted,
        commits: list[Commit],
    ) -> QuarterTimeline:
        rng = random.Random(f"{self.seed}/timeline/{team.id}/{quarter.index}")
        build = {
            "automated": self._automated,
            "tracked": self._tracked,
            "notebooks": self._notebooks,
        }
        return build[team.style](team, rng, quarter, adopted, commits)

    def _next_version(self, team: TeamPlan) -> int:
        self.versions[team.id] = self.versions.get(team.id, 0) + 1
        return self.versions[team.id]

    def _metric(self, team: TeamPlan, rng: random.Random, drift: float) -> float:
        value = self.quality[team.id] + rng.uniform(-0.006, 0.008) + drift
        self.quality[team.id] = min(value, self.quality[team.id] + 0.004)
        return round(value, 4)

    def _automated(
        self,
        team: TeamPlan,
        rng: random.Random,
        quarter: Quarter,
        adopted: Adopted,
        commits: list[Commit],
    ) -> QuarterTimeline:
        timeline = QuarterTimeline()
        # Every Monday at 03:00 once scheduled; before that, a dispatch by hand every other week.
        mondays = [
            d
            for d in range(2, quarter.days - 2)
            if (quarter.start + timedelta(days=d)).weekday() == 0
        ]
        plans: list[tuple[str, datetime]] = []
        for week, day in enumerate(mondays):
            if on(adopted, "schedule", quarter.moment(day, 3)):
                plans.append(("scheduled", quarter.moment(day, 3)))
            elif week % 2 == 0:
                plans.append(("manual", quarter.moment(day + 1, rng.randint(9, 15))))
        for day in rng.sample(range(10, 80), 2):
            if on(adopted, "drift-retrain", quarter.moment(day, 14)):
                plans.append(("drift", quarter.moment(day, 14)))
        plans += [("experiment", quarter.moment(d, 11)) for d in rng.sample(range(5, 85), 3)]
        plans.sort(key=lambda p: p[1])
        for position, (trigger, start) in enumerate(plans):
            experiment = trigger == "experiment"
            auc = self._metric(team, rng, 0.0 if experiment else 0.002)
            self.ci_run += rng.randint(3000, 9000)
            run = TrainingRun(
                name=f"{'exp' if experiment else 'train'}-{start:%Y%m%d}",
                started=start,
                ended=start + timedelta(minutes=rng.randint(35, 70)),
                trigger=None if experiment else trigger,
                user="priya" if experiment else "github-actions",
                commit=_commit_before(commits, start),
                metrics={
                    "test_roc_auc": auc,
                    "val_roc_auc": round(auc + rng.uniform(0.002, 0.01), 4),
                    "train_logloss": round(0.31 - (auc - 0.7) * 0.8, 4),
                },
                params={
                    "learning_rate": f"{0.03 + 0.005 * (position % 5):.3f}",
                    "max_iter": str(300 + 25 * (position % 4)),
                    "max_depth": "6",
                },
                datasets=True,
                ci_run=None if experiment else self.ci_run,
            )
            # By hand, every other candidate is promoted; the quality gate promotes most.
            if not experiment and rng.random() < (0.35 if trigger == "manual" else 0.85):
                automated = on(adopted, "cd", run.ended)
                lag = timedelta(hours=1) if automated else timedelta(hours=18)
                run.release = Release(
                    version=self._next_version(team),
                    registered=run.ended + timedelta(minutes=3),
                    deployed=run.ended + lag + timedelta(minutes=rng.randint(5, 50)),
                    automated=automated,
                    approved_by="olu" if trigger == "manual" else "quality-gate",
                )
            timeline.runs.append(run)
        released = timeline.releases
        if len(released) >= 3 and released[1].automated:
            # One bad version a quarter once deliveries are automated: an incident, and
            # production goes back to the version before it until the next one (the canary
            # catches it within the hour).
            bad = released[rng.randrange(1, len(released) - 1)]
            assert bad.deployed is not None
            fast = on(adopted, "canary", bad.deployed)
            bad.rolled_back = bad.deployed + (timedelta(minutes=40) if fast else timedelta(hours=5))
            opened = bad.deployed + timedelta(minutes=20)
            timeline.incidents.append(Incident(opened, bad.rolled_back, "high"))
        for _ in range(1 if "schedule" in adopted else 2):
            opened = quarter.moment(rng.randrange(5, 85), rng.randint(0, 23))
            hours = rng.randint(1, 4) if "schedule" in adopted else rng.randint(4, 12)
            timeline.incidents.append(Incident(opened, opened + timedelta(hours=hours), "medium"))
        timeline.incidents.sort(key=lambda i: i.opened)
        return timeline

    def _tracked(
        self,
        team: TeamPlan,
        rng: random.Random,
        quarter: Quarter,
        adopted: Adopted,
        commits: list[Commit],
    ) -> QuarterTimeline:
        timeline = QuarterTimeline()
        starts = sorted(quarter.moment(d, rng.randint(9, 17)) for d in rng.sample(range(3, 86), 7))
        for position, start in enumerate(starts):
            # Quick runs from the notebook (a validation F1, no commit) until `make train`.
            notebook = not on(adopted, "config", start) and position % 3 == 1
            metric = "f1" if notebook else "test_f1"
            f1 = self._metric(team, rng, 0.001)
            run = TrainingRun(
                name=f"severity-{start:%m%d}",
                started=start,
                ended=start + timedelta(hours=rng.randint(1, 3)),
                trigger=None,
                user=rng.choice(("carlos", "hana")),
                commit=None if notebook else _commit_before(commits, start),
                metrics={
                    metric: f1,
                    "precision": round(f1 + 0.03, 4),
                    "recall": round(f1 - 0.02, 4),
                },
                params={"num_leaves": str(31 + 8 * (position % 3)), "learning_rate": "0.05"},
                datasets=on(adopted, "datasets", start),
                notebook=notebook,
            )
            if position in (2, 5):
                deployed = run.ended + timedelta(days=rng.randint(3, 9), hours=rng.randint(1, 5))
                run.release = Release(
                    version=self._next_version(team),
                    registered=run.ended + timedelta(hours=rng.randint(2, 20)),
                    deployed=deployed,
                    linked=not (quarter.index == 0 and position == 5),
                )
            timeline.runs.append(run)
        for _ in range(2):
            opened = quarter.moment(rng.randrange(5, 80), rng.randint(8, 17))
            resolved = opened + timedelta(hours=rng.randint(20, 70))
            timeline.incidents.append(Incident(opened, resolved, "medium"))
        timeline.incidents.sort(key=lambda i: i.opened)
        return timeline

    def _notebooks(
        self,
        team: TeamPlan,
        rng: random.Random,
        quarter: Quarter,
        adopted: Adopted,
        commits: list[Commit],
    ) -> QuarterTimeline:
        timeline = QuarterTimeline()
        starts = sorted(quarter.moment(d, rng.randint(9, 17)) for d in rng.sample(range(3, 88), 8))
        for start in starts:
            if not on(adopted, "tracking", start):
                continue
            timeline.runs.append(
                TrainingRun(
                    name="",
                    started=start,
                    ended=start + timedelta(minutes=rng.randint(10, 40)),
                    trigger=None,
                    user=rng.choice(("lena", "raj")),
                    commit=None,
                    metrics={"accuracy": self._metric(team, rng, 0.0)},
                    params={"n_estimators": rng.choice(("300", "500"))},
                    notebook=True,
                )
            )
        return timeline
