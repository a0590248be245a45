"""The organization's world, one quarter at a time: commits, MLflow, events, survey, workspace.

Each quarter, every team commits its work (adopting the quarter's practices), trains and
releases models (MLflow), records its events; then the survey is answered and the workspace
file lists what exists. Assessing is left to the caller.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mlmaturity.demo.commits import plan_commits
from mlmaturity.demo.events import Events
from mlmaturity.demo.git import Repository
from mlmaturity.demo.plan import TARGET_STAGE, TEAMS, Quarter, TeamPlan
from mlmaturity.demo.repos import repository_files
from mlmaturity.demo.survey import write_answers
from mlmaturity.demo.timeline import TimelineBuilder
from mlmaturity.demo.tracking import Tracking, store_path
from mlmaturity.demo.workspace import write_workspace


def commit_quarter(
    team: TeamPlan,
    quarter: Quarter,
    seed: int,
    repository: Repository,
    adopted: dict[str, datetime],
) -> int:
    """Make the team's commits of ``quarter``; ``adopted`` learns when each practice came in.
    The number of commits made."""
    made = 0
    for planned in plan_commits(team, quarter, seed):
        practices = team.practices(quarter.index, planned.steps_done)
        files = repository_files(team.id, practices, len(repository.commits))
        if repository.commit(files, planned.message, planned.author, planned.at):
            made += 1
        if planned.practice is not None:
            adopted[planned.practice] = planned.at
    return made


class World:
    """The demo organization in ``root`` (an empty folder), built from ``seed`` over
    ``quarters``."""

    def __init__(self, root: Path, seed: int, quarters: tuple[Quarter, ...]) -> None:
        from mlmaturity.model import load_model

        self.root = root
        self.seed = seed
        self.quarters = quarters
        self.model = load_model(None, TARGET_STAGE)
        self.repositories = {t.id: Repository(root / "repos" / t.repository) for t in TEAMS}
        for repository in self.repositories.values():
            repository.init()
        self.tracking = Tracking(root)
        self.events = Events(root, seed)
        self.timelines = TimelineBuilder(seed)
        self.adopted: dict[str, dict[str, datetime]] = {t.id: {} for t in TEAMS}

    def advance(self, index: int) -> tuple[int, int]:
        """Live through quarter ``index``; the commits and MLflow runs made."""
        quarter = self.quarters[index]
        commits = runs = 0
        for team in TEAMS:
            repository, adopted = self.repositories[team.id], self.adopted[team.id]
            commits += commit_quarter(team, quarter, self.seed, repository, adopted)
            timeline = self.timelines.quarter(team, quarter, adopted, repository.commits)
            runs += self.tracking.write(team, timeline)
            self.events.add_quarter(team, quarter, adopted, timeline, repository.commits)
        self.events.write()
        teams = [t.id for t in TEAMS]
        answers = write_answers(self.root, teams, quarter, self.model, self.seed)
        sources = {}
        for team in TEAMS:
            listed = {"repos": [f"repos/{team.repository}"], **self.events.sources(team.id)}
            if store_path(self.root, team.id).is_file():
                listed["mlflow"] = [f"mlflow/{team.id}.db"]
            sources[team.id] = listed
        write_workspace(self.root, quarter.milestone, list(TEAMS), sources, answers)
        return commits, runs

    def close(self) -> None:
        self.tracking.close()
