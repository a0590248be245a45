"""The assessment history: record an assessment in one transaction, list and load them.

A store is a SQLAlchemy URL; a workspace's is its ``store:`` or the SQLite file
``.mlmaturity/history.db`` beside its workspace file. A store is migrated to the newest schema
when an assessment is first recorded in it; reading never writes: a store that does not exist
yet finds no assessments and creates nothing, and one of an older revision is read as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from mlmaturity.dburl import UrlProblem, display, parse_store_url
from mlmaturity.errors import InputError
from mlmaturity.scoring.result import Assessment
from mlmaturity.store import tables
from mlmaturity.store.errors import StoreError, database_error
from mlmaturity.store.rows import assessment_row, child_rows, utc
from mlmaturity.survey.answers import Answer

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

    from mlmaturity.workspace import Workspace

DEFAULT_FILE = Path(".mlmaturity") / "history.db"
REFS = ("latest", "previous")
MAX_MILESTONE = 200
TREND_ASSESSMENTS = 24
"""How many earlier assessments a report draws its trends from: the newest ones (two years
of monthly assessments, six of quarterly ones)."""


class HistoryEntry(BaseModel):
    """One stored assessment: a line of ``mlmaturity history``."""

    model_config = ConfigDict(frozen=True)

    id: int
    generated_at: datetime
    milestone: str | None
    model_id: str
    model_version: str
    workspace_digest: str
    organization_stage: int | None
    team_stages: dict[str, int | None]


def check_milestone(name: str) -> str:
    """A milestone name as stored (trimmed), or bad input saying why it cannot be one."""
    milestone = name.strip()
    problem = ""
    if not milestone:
        problem = "a milestone needs a name"
    elif len(milestone) > MAX_MILESTONE:
        problem = f"a milestone name is at most {MAX_MILESTONE} characters"
    elif milestone.isdigit() or milestone in REFS:
        problem = f"'{milestone}' would read as {'an id' if milestone.isdigit() else 'a reference'}"
    elif not milestone.isprintable():
        problem = "a milestone name is one line of printable characters"
    if problem:
        raise InputError.single("--milestone", problem, hint='e.g. --milestone "2026-Q3"')
    return milestone


class HistoryStore:
    """The history in one database; nothing is opened until it is used."""

    def __init__(self, url: URL, name: str) -> None:
        self.url = url
        self.name = name
        """How messages name the store (never with its password)."""
        self._engine: Engine | None = None
        self._current = False
        """Whether this process brought the schema to the newest revision (to write)."""

    @classmethod
    def at(cls, url: str) -> HistoryStore:
        try:
            parsed = parse_store_url(url)
        except UrlProblem as bad:
            raise StoreError(display(url), bad.message, bad.hint) from None
        if parsed.get_backend_name() == "sqlite":
            return cls(parsed, str(parsed.database))
        return cls(parsed, display(url))

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> HistoryStore:
        """The workspace's ``store:``, else ``.mlmaturity/history.db`` beside its file."""
        from sqlalchemy.engine import URL

        if workspace.spec.store is None:
            path = workspace.root / DEFAULT_FILE
            return cls(URL.create("sqlite+pysqlite", database=str(path)), str(path))
        store = cls.at(workspace.spec.store)
        database = Path(store.url.database or "")
        if store.url.get_backend_name() == "sqlite" and not database.is_absolute():
            path = workspace.root / database  # like every path in the workspace file
            return cls(store.url.set(database=str(path)), str(path))
        return store

    # -- writing

    def record(
        self,
        assessment: Assessment,
        *,
        answers: Sequence[Answer],
        workspace_digest: str,
        milestone: str | None = None,
    ) -> HistoryEntry:
        """Store ``assessment`` with its answers in one transaction: all of it or nothing."""
        if milestone is not None:
            milestone = check_milestone(milestone)
        recorded_at = datetime.now(UTC)
        try:
            with self._writing() as connection:
                if milestone is not None:
                    self._refuse_taken(connection, milestone)
                entry_id = write_assessment(
                    connection, assessment, answers, workspace_digest, milestone, recorded_at
                )
        except IntegrityError as exc:
            if milestone is not None:  # another process recorded the same milestone meanwhile
                with self._reading() as connection:
                    if connection is not None:
                        self._refuse_taken(connection, milestone)
            raise database_error(self.name, self.url, exc, "cannot be written") from None
        return HistoryEntry(
            id=entry_id,
            generated_at=_aware(utc(datetime.fromisoformat(assessment.generated_at))),
            milestone=milestone,
            model_id=assessment.model.id,
            model_version=assessment.model.version,
            workspace_digest=workspace_digest,
            organization_stage=assessment.organization.stage,
            team_stages={t.id: t.stage for t in assessment.teams},
        )

    def check_milestone_free(self, milestone: str) -> None:
        """Bad input if ``milestone`` is already recorded (before spending time assessing)."""
        milestone = check_milestone(milestone)
        with self._reading() as connection:
            if connection is not None:
                self._refuse_taken(connection, milestone)

    def _refuse_taken(self, connection: Connection, milestone: str) -> None:
        a = tables.assessments
        row = connection.execute(
            select(a.c.id, a.c.generated_at).where(a.c.milestone == milestone)
        ).first()
        if row is not None:
            raise StoreError(
                self.name,
                f"milestone '{milestone}' is already recorded (#{row.id}, "
                f"{row.generated_at:%Y-%m-%d})",
                "a milestone names one assessment; choose another name, or leave it out",
            )

    # -- reading

    def entries(self) -> list[HistoryEntry]:
        """Every stored assessment, oldest first (by the time it was made, then as recorded)."""
        a, t = tables.assessments, tables.team_results
        with self._reading() as connection:
            if connection is None:
                return []
            rows = connection.execute(
                select(
                    a.c.id,
                    a.c.generated_at,
                    a.c.milestone,
                    a.c.model_id,
                    a.c.model_version,
                    a.c.workspace_digest,
                    a.c.organization_stage,
                ).order_by(a.c.generated_at, a.c.id)
            ).all()
            stages: dict[int, dict[str, int | None]] = {row.id: {} for row in rows}
            for team in connection.execute(
                select(t.c.assessment_id, t.c.team, t.c.stage).order_by(
                    t.c.assessment_id, t.c.position
                )
            ):
                stages.setdefault(team.assessment_id, {})[team.team] = team.stage
        return [
            HistoryEntry(
                id=row.id,
                generated_at=_aware(row.generated_at),
                milestone=row.milestone,
                model_id=row.model_id,
                model_version=row.model_version,
                workspace_digest=row.workspace_digest,
                organization_stage=row.organization_stage,
                team_stages=stages[row.id],
            )
            for row in rows
        ]

    def resolve(self, ref: str) -> HistoryEntry:
        """The entry ``ref`` names: an id, a milestone, ``latest`` or ``previous``."""
        entries = self.entries()
        if not entries:
            raise StoreError(
                self.name, "no assessments recorded yet", "run `mlmaturity assess` to record one"
            )
        found: HistoryEntry | None = None
        if ref == "latest":
            found = entries[-1]
        elif ref == "previous":
            found = entries[-2] if len(entries) > 1 else None
        elif ref.isdigit():
            found = next((e for e in entries if e.id == int(ref)), None)
        else:
            found = next((e for e in entries if e.milestone == ref), None)
        if found is None:
            raise StoreError(self.name, f"no assessment '{ref}' in the history", _known(entries))
        return found

    def load(self, ref: str | HistoryEntry) -> Assessment:
        """The assessment ``ref`` names (see ``resolve``; an entry already resolved is not
        looked up again), as it was recorded."""
        entry = ref if isinstance(ref, HistoryEntry) else self.resolve(ref)
        a = tables.assessments
        with self._reading() as connection:
            assert connection is not None  # resolve found the entry
            document = connection.execute(select(a.c.document).where(a.c.id == entry.id)).scalar()
        return self._parse(entry.id, document)

    def assessments(
        self, *, before: datetime | None = None, limit: int | None = None
    ) -> list[Assessment]:
        """The stored assessments made before ``before`` (if given), oldest first: trends.

        With ``limit``, only the newest ``limit`` of them (still oldest first): each is a
        whole document to parse (about 20 ms for the demo's 550 KB), so a report bounds them
        (``TREND_ASSESSMENTS``) however long the history grows."""
        return self.named_assessments(before=before, limit=limit)[0]

    def named_assessments(
        self, *, before: datetime | None = None, limit: int | None = None
    ) -> tuple[list[Assessment], dict[str, str]]:
        """``assessments``, with the milestones that name them keyed by their
        ``generated_at`` (what a report labels them by: ``mlmaturity.report.render``)."""
        if limit is not None and limit <= 0:
            return [], {}
        a = tables.assessments
        query = select(a.c.id, a.c.document, a.c.milestone)
        if before is not None:
            query = query.where(a.c.generated_at < utc(before))
        if limit is None:
            query = query.order_by(a.c.generated_at, a.c.id)
        else:
            query = query.order_by(a.c.generated_at.desc(), a.c.id.desc()).limit(limit)
        with self._reading() as connection:
            if connection is None:
                return [], {}
            rows = list(connection.execute(query).all())
        if limit is not None:
            rows.reverse()
        parsed = [self._parse(row.id, row.document) for row in rows]
        names = {
            assessment.generated_at: row.milestone
            for assessment, row in zip(parsed, rows, strict=True)
            if row.milestone
        }
        return parsed, names

    def _parse(self, entry_id: int, document: str | None) -> Assessment:
        try:
            return Assessment.model_validate_json(document or "")
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoreError(
                self.name,
                f"assessment #{entry_id} cannot be read: {where}: {first['msg']}",
                "it was recorded by another version of mlmaturity, or changed by hand",
            ) from None

    # -- connections

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._current = False

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """The store's engine, the schema brought to the newest revision (the database created
        if need be): for writing. Reading never migrates (``_reading``)."""
        from mlmaturity.store.engine import migrated

        if not self._current:
            self._engine = migrated(self._engine, self.url, self.name)
            self._current = True
        assert self._engine is not None
        return self._engine

    def exists(self) -> bool:
        """False for a SQLite store whose file is not there yet (a server store always is)."""
        return self.url.get_backend_name() != "sqlite" or Path(self.url.database or "").exists()

    @contextmanager
    def _reading(self) -> Iterator[Connection | None]:
        """A connection in a transaction; ``None`` for a store with nothing recorded yet.

        Nothing is created or migrated: a store of an older revision this version reads
        (``migrate.READABLE``) is read as it is."""
        from mlmaturity.store.engine import unmigrated
        from mlmaturity.store.migrate import current_revision, readable

        if not self.exists():
            yield None
            return
        if self._engine is None:
            self._engine = unmigrated(self.url, self.name)
        with self._connection(self._engine, write=False) as connection:
            revision = current_revision(connection)
            if revision is None:  # no history tables: nothing recorded
                yield None
                return
            if not readable(revision):
                from mlmaturity.store.engine import schema_error

                raise schema_error(self.name, revision)
            yield connection

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A connection in a transaction that holds the write lock from its start (SQLite)."""
        with self._connection(self.engine, write=True) as connection:
            yield connection

    @contextmanager
    def _connection(self, engine: Engine, *, write: bool) -> Iterator[Connection]:
        from mlmaturity.store.engine import writing

        try:
            with engine.connect() as connection:
                if write:
                    writing(connection)
                with connection.begin():
                    yield connection
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            what = "cannot be written" if write else "cannot be read"
            raise database_error(self.name, self.url, exc, what) from None


def write_assessment(
    connection: Connection,
    assessment: Assessment,
    answers: Sequence[Answer],
    digest: str,
    milestone: str | None,
    recorded_at: datetime,
) -> int:
    """Insert one assessment and its rows on ``connection`` (the caller's transaction)."""
    result = connection.execute(
        insert(tables.assessments).values(
            assessment_row(assessment, digest, milestone, recorded_at)
        )
    )
    (entry_id,) = result.inserted_primary_key or (None,)
    if entry_id is None:
        raise RuntimeError("the database returned no id for the new assessment")
    children = child_rows(assessment, answers)
    for table in tables.CHILDREN:
        rows = children.get(table.name, [])
        if rows:
            connection.execute(insert(table), [{"assessment_id": entry_id, **r} for r in rows])
    return int(entry_id)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _known(entries: Sequence[HistoryEntry]) -> str:
    ids = sorted(e.id for e in entries)
    listed = ", ".join(map(str, ids)) if len(ids) <= 5 else f"{ids[0]}…{ids[-1]}"
    milestones = [e.milestone for e in entries if e.milestone]
    shown = ("… " if len(milestones) > 10 else "") + ", ".join(milestones[-10:])
    named = f"; milestones: {shown}" if milestones else ""
    return f"ids {listed}{named}; or latest, previous (`mlmaturity history` lists them)"
