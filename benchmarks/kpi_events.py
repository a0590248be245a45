"""All KPIs for 50 teams, monthly over two years, from 10 million events, against plain DuckDB SQL.

    .venv/bin/python benchmarks/kpi_events.py [--dir /tmp/mlm-bench-events] [--events 10000000]
        [--teams 50] [--runs 3] [--spark]

Builds (once, then reuses) a workspace whose event store holds ``--events`` generated events
across the tables of DESIGN.md in realistic proportions (commits and CI runs most, incidents
fewest), written by the store itself. Then it times, in one run and each in a child process so
its peak memory (peak RSS, with Spark's JVM) is its own:
  * mlmaturity: ``compute_kpis`` for every team and the organization, every month of the two
    years, every registered KPI, on DuckDB (and on Spark local[2] with --spark);
  * the peer: the seed KPIs as hand-written DuckDB SQL over the same Parquet files, one query
    per KPI with GROUPING SETS for teams and the organization.
It checks that both give the same values, and prints the wall times, the ratio and the peak
memory. Goal: under 3 s on DuckDB, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SINCE, UNTIL, TODAY = date(2024, 1, 1), date(2025, 12, 31), date(2026, 1, 1)
MODELS_PER_TEAM = 10
HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
_START_US = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
_SPAN_US = (UNTIL - SINCE).days * DAY_US + DAY_US - 1
SHARES = {
    "changes": 0.30,
    "ci_runs": 0.20,
    "deployments": 0.15,
    "drift": 0.15,
    "business_metrics": 0.06,
    "costs": 0.05,
    "training_runs": 0.04,
    "evaluations": 0.03,
    "model_versions": 0.01,
    "incidents": 0.005,
    "registry_snapshots": 0.005,
}
"""Each table's share of the events: commits and CI runs most, incidents fewest."""


class Generator:
    """Vectorized event tables: one numpy draw per column, never a Python loop per row."""

    def __init__(
        self, events: int, teams: int, seed: int, currencies: tuple[str, ...] = ("USD",)
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.currencies = currencies
        self.counts = {name: int(events * share) for name, share in SHARES.items()}
        self.team_names = pa.array([f"team-{i:02d}" for i in range(teams)])
        self.model_names = pa.array([f"model-{i}" for i in range(MODELS_PER_TEAM)])

    def teams(self, n: int) -> np.ndarray:
        return self.rng.integers(0, len(self.team_names), n)

    def models(self, n: int) -> np.ndarray:
        return self.rng.integers(0, MODELS_PER_TEAM, n)

    def times(self, n: int, step: int = 1) -> np.ndarray:
        """Instants in the two years, in microseconds, rounded down to ``step``."""
        raw = _START_US + self.rng.integers(0, _SPAN_US, n)
        return raw - raw % step

    def choice(self, values: list[Any], weights: list[float], n: int) -> pa.Array:
        return pa.array(values).take(pa.array(self.rng.choice(len(values), n, p=weights)))

    def hours(self, mean: float, n: int) -> np.ndarray:
        """Durations in microseconds, exponentially spread around ``mean`` hours."""
        return (self.rng.exponential(mean, n) * HOUR_US).astype(np.int64) + 1_000_000

    def shas(self, n: int) -> pa.Array:
        """Random 40-digit lowercase hex SHAs."""
        hexes = self.rng.integers(0, 16, (n, 40), dtype=np.uint8)
        chars = np.frombuffer(b"0123456789abcdef", np.uint8)[hexes]
        offsets = np.arange(0, n * 40 + 1, 40, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))

    def numbers(self, prefix: str, values: np.ndarray) -> pa.Array:
        return pc.binary_join_element_wise(prefix, pc.cast(pa.array(values), pa.string()), "")


def _ts(micros: np.ndarray | pa.Array) -> pa.Array:
    return pa.array(micros).cast(pa.int64()).cast(pa.timestamp("us", tz="UTC"))


def _null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def _build(g: Generator) -> dict[str, dict[str, Any]]:
    """Every table's columns (team and source included)."""
    tables: dict[str, dict[str, Any]] = {}
    # Commits in order of team, then time: a team's commits are one slice, oldest first.
    n = g.counts["changes"]
    change_team, change_at = g.teams(n), g.times(n)
    order = np.lexsort((change_at, change_team))
    change_team, change_at = change_team[order], change_at[order]
    team_first = np.searchsorted(change_team, np.arange(len(g.team_names)))
    team_commits = np.bincount(change_team, minlength=len(g.team_names))
    shas = g.shas(n)
    tables["changes"] = {
        "team": change_team,
        "repository": g.numbers("repo-", g.rng.integers(0, 3, n)),
        "sha": shas,
        "at": change_at,
        "author": g.numbers("dev-", g.rng.integers(0, 20, n)),
        "source": "repos",
    }

    n = g.counts["incidents"]
    opened = g.times(n)
    tables["incidents"] = {
        "team": g.teams(n),
        "model": g.models(n),
        "opened_at": opened,
        "resolved_at": _null_where(_ts(opened + g.hours(6, n)), g.rng.random(n) < 0.1),
        "severity": g.choice(["low", "medium", "high"], [0.5, 0.35, 0.15], n),
        "source": "incidents.jsonl",
    }

    n = g.counts["ci_runs"]
    started = g.times(n)
    tables["ci_runs"] = {
        "team": g.teams(n),
        "repository": g.numbers("repo-", g.rng.integers(0, 3, n)),
        "workflow": "ci",
        "run_id": g.numbers("run-", np.arange(n)),
        "status": "completed",
        "conclusion": g.choice(
            ["success", "failure", "cancelled", "skipped"], [0.8, 0.15, 0.03, 0.02], n
        ),
        "event": "push",
        "trigger": "push",
        "branch": "main",
        "commit": shas.take(pa.array(g.rng.integers(0, len(shas), n))),
        "started_at": started,
        "ended_at": started + g.hours(0.2, n),
        "url": None,
        "source": "ci.json",
    }

    # Hourly drift statistics per feature; about 5 % cross the threshold.
    n = g.counts["drift"]
    window = g.times(n, HOUR_US)
    value = g.rng.gamma(1.0, 0.05, n)
    drifted = value > 0.15
    onset = window + (g.rng.random(n) * HOUR_US).astype(np.int64)
    tables["drift"] = {
        "team": g.teams(n),
        "model": g.models(n),
        "feature": g.numbers("feature-", g.rng.integers(0, 30, n)),
        "window_start": window,
        "window_end": window + HOUR_US,
        "statistic": "psi",
        "value": value,
        "threshold": 0.15,
        "drifted": pa.array(drifted),
        "onset_at": _null_where(_ts(onset), ~drifted),
        "detected_at": _null_where(_ts(onset + g.hours(12, n)), ~drifted),
        "source": "drift.csv",
    }

    # Team i bills in currencies[i % len(currencies)]; 2 % of the lines have no team.
    n = g.counts["costs"]
    day = g.times(n, DAY_US)
    cost_team = g.teams(n)
    currency = pa.array(list(g.currencies)).take(pa.array(cost_team % len(g.currencies)))
    tables["costs"] = {
        "team": np.where(g.rng.random(n) < 0.02, -1, cost_team),
        "period_start": day,
        "period_end": day + DAY_US,
        "resource_id": g.numbers("res-", g.rng.integers(0, 2000, n)),
        "service": g.choice(["EC2", "SageMaker", "S3"], [0.5, 0.4, 0.1], n),
        "model": _null_where(g.model_names.take(pa.array(g.models(n))), g.rng.random(n) < 0.1),
        "cost": g.rng.gamma(2.0, 20.0, n),
        "currency": currency,
        "category": "Usage",
        "line": np.arange(n),
        "source": "focus.csv",
    }

    n = g.counts["business_metrics"]
    tables["business_metrics"] = {
        "team": g.teams(n),
        "name": g.choice(
            ["conversion rate", "revenue per user", "fraud losses avoided"], [0.4, 0.4, 0.2], n
        ),
        "model": g.models(n),
        "at": g.times(n),
        "value": g.rng.normal(100.0, 15.0, n),
        "unit": "",
        "source": "business.csv",
    }

    # Training runs, the versions some of them made, and each version's evaluations.
    n = g.counts["training_runs"]
    run_team, run_model, run_started = g.teams(n), g.models(n), g.times(n)
    tables["training_runs"] = {
        "team": run_team,
        "run_id": g.numbers("r", np.arange(n)),
        "model": run_model,
        "started_at": run_started,
        "ended_at": run_started + g.hours(2, n),
        "status": g.choice(["FINISHED", "FAILED"], [0.9, 0.1], n),
        "trigger": g.choice(["manual", "scheduled", "drift", "ci"], [0.3, 0.4, 0.1, 0.2], n),
        "commit": shas.take(pa.array(g.rng.integers(0, len(shas), n))),
        "user": g.choice(["svc-train", "alice", "bob"], [0.6, 0.2, 0.2], n),
        "source": "mlflow",
    }
    n = g.counts["model_versions"]
    made_by = g.rng.choice(len(run_team), n, replace=False)
    in_production = g.rng.random(n) < 0.2
    version_created = run_started[made_by] + g.hours(3, n)
    tables["model_versions"] = {
        "team": run_team[made_by],
        "created_at": version_created,
        "model": run_model[made_by],
        "version": g.numbers("", np.arange(n)),
        "run_id": g.numbers("r", made_by),
        "aliases": pc.if_else(pa.array(in_production), "champion", ""),
        "stage": "None",
        "status": "READY",
        "in_production": pa.array(in_production),
        "collected_at": _START_US + _SPAN_US,
        "source": "mlflow",
    }
    n = g.counts["evaluations"]
    of = np.arange(n) % len(made_by)
    kind = np.arange(n) // len(made_by) % 3
    tables["evaluations"] = {
        "team": run_team[made_by][of],
        "at": version_created[of],
        "model": run_model[made_by][of],
        "version": g.numbers("", of),
        "run_id": g.numbers("r", made_by[of]),
        "metric": pa.array(["test_accuracy", "val_accuracy", "test_f1"]).take(pa.array(kind)),
        "value": g.rng.uniform(0.7, 0.99, n),
        "dataset_role": pa.array(["holdout", "validation", "holdout"]).take(pa.array(kind)),
        "primary": pa.array(kind == 0),
        "source": "mlflow",
    }
    n = g.counts["registry_snapshots"]
    snapshot_of = g.rng.integers(0, len(made_by), n)
    tables["registry_snapshots"] = {
        "team": run_team[made_by][snapshot_of],
        "collected_at": g.times(n),
        "model": run_model[made_by][snapshot_of],
        "version": g.numbers("", snapshot_of),
        "label": g.choice(["champion", "challenger"], [0.5, 0.5], n),
        "source": "mlflow",
    }
    # Deployments ship a model version and a commit of its team, made about a day and a
    # half before (a team's last 3 % of commits ship after the two years).
    n = g.counts["deployments"]
    deployed = g.rng.integers(0, len(made_by), n)
    team = run_team[made_by][deployed]
    shipped = team_first[team] + (g.rng.random(n) * team_commits[team] * 0.97).astype(np.int64)
    at = np.minimum(change_at[shipped] + g.hours(36, n), _START_US + _SPAN_US)
    production = g.rng.random(n) < 0.6
    rollback = production & (g.rng.random(n) < 0.04)
    full = shas.take(pa.array(shipped))
    short = pc.utf8_slice_codeunits(full, 0, 7)
    commit = pc.if_else(pa.array(g.rng.random(n) < 0.5), short, full)
    tables["deployments"] = {
        "team": team,
        "model": run_model[made_by][deployed],
        "version": g.numbers("", deployed),
        "environment": pc.if_else(pa.array(production), "production", "staging"),
        "at": at,
        "kind": pc.if_else(pa.array(rollback), "rollback", "deploy"),
        "automated": pa.array(g.rng.random(n) < 0.75),
        "commit": _null_where(commit, rollback | (g.rng.random(n) < 0.3)),
        "source": "deployments.csv",
    }
    return tables


def _arrow(g: Generator, name: str, columns: dict[str, Any]) -> pa.Table:
    """One table in the store's schema: indexes become names, instants timestamps."""
    from mlmaturity.events.tables import TABLES

    schema = TABLES[name].schema
    rows = len(next(v for v in columns.values() if not isinstance(v, str | float | type(None))))
    arrays = []
    for field in schema:
        value = columns[field.name]
        if field.name == "team":  # an index, -1 for no team
            value = g.team_names.take(pa.array(value, mask=value < 0))
        elif field.name == "model" and isinstance(value, np.ndarray):
            value = g.model_names.take(pa.array(value))
        elif isinstance(value, str | float | int) or value is None:
            value = pa.array(np.full(rows, value) if value is not None else [None] * rows)
        elif pa.types.is_timestamp(field.type) and isinstance(value, np.ndarray):
            value = _ts(value)
        arrays.append(pa.array(value).cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def build(
    root: Path, events: int, teams: int, seed: int = 7, currencies: tuple[str, ...] = ("USD",)
) -> dict[str, int]:
    """A workspace of ``teams`` teams whose event store holds about ``events`` events."""
    import yaml

    from mlmaturity.events.store import EventStore

    g = Generator(events, teams, seed, currencies)
    tables = {name: _arrow(g, name, columns) for name, columns in _build(g).items()}
    store = EventStore.for_workspace(root)
    with store.locked(exclusive=True):
        stored = store.replace(tables)
    spec = {
        "version": 1,
        "organization": "Benchmark",
        "teams": [{"id": name} for name in g.team_names.to_pylist()],
    }
    (root / "mlmaturity.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return stored


PEAK = '''
def peak_kb():
    """Peak resident memory of this process and its children (Spark's JVM), in kB."""
    import os

    def hwm(pid):
        try:
            with open(f"/proc/{pid}/status") as status:
                return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
        except (OSError, StopIteration):
            return 0

    def children(pid):
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found += listed.read().split()
        return found

    total, pending = 0, [str(os.getpid())]
    while pending:
        pid = pending.pop()
        total += hwm(pid)
        pending += children(pid)
    return total
'''
"""Peak memory as /proc tells it: a child's max RSS from getrusage counts its parent's
memory before exec."""

OURS = (
    PEAK
    + """
import json, sys, time
from datetime import date
from pathlib import Path
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import compute_kpis
from mlmaturity.kpi.engine import Engine
from mlmaturity.workspace import load_workspace

root, engine = Path(sys.argv[1]), Engine(sys.argv[2])
teams = [t.id for t in load_workspace(root).spec.teams]
store = EventStore.for_workspace(root)
since, until, today = (date.fromisoformat(d) for d in sys.argv[3:6])
timings = []
for _ in range(int(sys.argv[6])):
    start = time.perf_counter()
    values = compute_kpis(store, teams, since, until, "month", today=today, engine=engine)
    timings.append(time.perf_counter() - start)
peak = peak_kb()
rows = [[v.kpi, v.team, v.period.isoformat(), v.value] for v in values]
print(json.dumps({"seconds": min(timings), "first": timings[0], "peak_kb": peak, "values": rows}))
"""
)

# The peer: the seed KPIs in plain DuckDB SQL, one query each, teams and organization together
# (GROUPING SETS; grouping(team) tells the organization's rows from those of no team), the
# period of a row its month. Same rules as docs/kpis.md.
PEER_QUERIES = {
    "models-in-production": """
        with first as (
            select team, model, min("at") as first_at from deployments
            where environment = 'production' and kind = 'deploy' and "at" <= $until
            group by all)
        select team, p.period, count(distinct coalesce(team, '') || chr(31) || model) as value,
               grouping(team) as org
        from first join periods p on first_at <= p."end"
        group by grouping sets ((team, p.period), (p.period))""",
    "deployment-frequency": """
        with first as (
            select team, model, min("at") as first_at from deployments
            where environment = 'production' and kind = 'deploy' and "at" <= $until
            group by all),
        live as (
            select team, p.period, count(distinct coalesce(team, '') || chr(31) || model) as models,
                   grouping(team) as org
            from first join periods p on first_at <= p."end"
            group by grouping sets ((team, p.period), (p.period))),
        deploys as (
            select team, date_trunc('month', "at")::date as period, count(*) as n,
                   grouping(team) as org
            from deployments
            where environment = 'production' and kind = 'deploy' and "at" between $since and $until
            group by grouping sets ((team, period), (period)))
        select live.team, live.period, coalesce(n, 0)::double / models as value, live.org
        from live left join deploys d
          on d.period = live.period and d.org = live.org and d.team is not distinct from live.team""",
    "change-failure-rate": """
        with d as (
            select *, coalesce(lead(kind) over (partition by team, model order by "at", kind)
                               = 'rollback', false) as failed
            from deployments where environment = 'production' and "at" <= $until)
        select team, date_trunc('month', "at")::date as period,
               100.0 * sum(failed::int) / count(*) as value, grouping(team) as org
        from d where kind = 'deploy' and "at" >= $since
        group by grouping sets ((team, period), (period))""",
    "time-to-restore": """
        select team, date_trunc('month', opened_at)::date as period,
               median((epoch_us(resolved_at) - epoch_us(opened_at)) / 3.6e9) as value, grouping(team) as org
        from incidents
        where resolved_at is not null and opened_at between $since and $until
        group by grouping sets ((team, period), (period))""",
    "lead-time": """
        with d as (
            select * from deployments
            where environment = 'production' and kind = 'deploy'
              and regexp_matches("commit", '^[0-9a-f]{7,64}$') and "at" between $since and $until),
        c as (select team, lower(sha) as sha, "at" as committed_at from changes where "at" <= $until),
        matched as (
            select d.team, d.model, d.version, d.environment, d."at",
                   count(distinct c.sha) as commits, min(committed_at) as committed_at
            from d join c on d.team = c.team and left(c.sha, 7) = left(d."commit", 7)
                         and starts_with(c.sha, d."commit")
            group by all)
        select team, date_trunc('month', "at")::date as period,
               median((epoch_us("at") - epoch_us(committed_at)) / 3.6e9) as value, grouping(team) as org
        from matched where commits = 1
        group by grouping sets ((team, period), (period))""",
    "time-to-detect-drift": """
        select team, date_trunc('month', window_start)::date as period,
               median((epoch_us(detected_at) - epoch_us(onset_at)) / 3.6e9) as value, grouping(team) as org
        from drift
        where drifted and onset_at is not null and detected_at is not null
          and window_start between $since and $until
        group by grouping sets ((team, period), (period))""",
    "cost-per-model": """
        select team, date_trunc('month', period_start)::date as period,
               sum(cost) / count(distinct coalesce(team, '') || chr(31) || model) as value, grouping(team) as org
        from costs
        where model is not null and period_start between $since and $until
        group by grouping sets ((team, period), (period))""",
    "ci-success-rate": """
        select team, date_trunc('month', started_at)::date as period,
               100.0 * sum((conclusion = 'success')::int) / count(*) as value, grouping(team) as org
        from ci_runs
        where conclusion in ('success', 'failure') and started_at between $since and $until
        group by grouping sets ((team, period), (period))""",
}

PEER = (
    PEAK
    + """
import calendar, json, sys, time
from datetime import date
from pathlib import Path
import duckdb

store, since, until = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
queries = json.loads(sys.argv[4])
timings = []
for _ in range(int(sys.argv[5])):
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for table in ("deployments", "incidents", "changes", "drift", "costs", "ci_runs"):
        con.execute(f"create view {table} as select * from read_parquet('{store}/{table}.parquet')")
    con.execute(
        "create table periods as select m::date as period, (m + interval 1 month"
        " - interval 1 microsecond)::timestamptz as \\"end\\""
        f" from range(date '{since}', date '{until}' + 1, interval 1 month) t(m)"
    )
    bounds = {"since": f"{since} 00:00:00+00", "until": f"{until} 23:59:59.999999+00"}
    rows = []
    for kpi, sql in queries.items():
        used = {k: v for k, v in bounds.items() if "$" + k in sql}
        for team, period, value, org in con.execute(sql, used).fetchall():
            if team is None and not org:
                continue  # lines of no team count for the organization only
            if kpi == "deployment-frequency":
                value *= 30 / calendar.monthrange(period.year, period.month)[1]
            rows.append([kpi, team, period.isoformat(), value])
    con.close()
    timings.append(time.perf_counter() - start)
peak = peak_kb()
print(json.dumps({"seconds": min(timings), "peak_kb": peak, "values": rows}))
"""
)


def _child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def compare(ours: list[list[Any]], peer: list[list[Any]]) -> tuple[int, list[str]]:
    """How many of the peer's values ours match (to 1e-9, relative), and the first differences."""
    found = {(k, t, p): v for k, t, p, v in ours}
    matched, differences = 0, []
    for kpi, team, period, value in peer:
        mine = found.get((kpi, team, period))
        if mine is None or value is None:
            same = mine is None and value is None and (kpi, team, period) in found
        else:
            same = abs(mine - value) <= 1e-9 * max(1.0, abs(value))
        if same:
            matched += 1
        elif len(differences) < 5:
            differences.append(f"{kpi} {team} {period}: ours {mine}, peer {value}")
    return matched, differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "mlm-bench-events"
    )
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs of each")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--spark", action="store_true", help="time Spark local[2] too")
    args = parser.parse_args()
    if args.rebuild and args.dir.exists():
        shutil.rmtree(args.dir)
    if not args.dir.exists():
        started = time.perf_counter()
        args.dir.mkdir(parents=True)
        stored = build(args.dir, args.events, args.teams)
        print(f"built {sum(stored.values()):,} events in {time.perf_counter() - started:.0f} s")
    store = args.dir / ".mlmaturity" / "events"
    size = sum(p.stat().st_size for p in store.glob("*.parquet"))
    print(f"event store: {store} ({size / 1e6:.0f} MB of Parquet)")
    window = [SINCE.isoformat(), UNTIL.isoformat(), TODAY.isoformat()]
    runs = str(args.runs)
    ours = _child(OURS, str(args.dir), "duckdb", *window, runs)
    peer = _child(PEER, str(store), *window[:2], json.dumps(PEER_QUERIES), runs)
    matched, differences = compare(ours["values"], peer["values"])
    print(f"values: ours {len(ours['values']):,}; peer {len(peer['values']):,}, {matched:,} equal")
    for line in differences:
        print("  differs:", line)
    print(f"best of {args.runs} runs each")
    print(
        f"plain DuckDB SQL (peer)   {peer['seconds']:6.2f} s   peak memory {peer['peak_kb'] / 1024:.0f} MB"
    )
    print(
        f"mlmaturity on DuckDB      {ours['seconds']:6.2f} s   peak memory {ours['peak_kb'] / 1024:.0f} MB"
    )
    print(f"  its first run in the process, importing Ibis and DuckDB: {ours['first']:.2f} s")
    print(f"ratio mlmaturity / peer: {ours['seconds'] / peer['seconds']:.2f} (goal: under 3 s)")
    if args.spark:
        spark = _child(OURS, str(args.dir), "spark", *window, runs)
        print(
            f"mlmaturity on Spark local[2]  {spark['seconds']:6.2f} s (first run {spark['first']:.1f} s,"
            f" with the JVM's start)   peak memory with the JVM {spark['peak_kb'] / 1024:.0f} MB"
        )
        spark_matched, _ = compare(spark["values"], ours["values"])
        print(f"Spark values equal to DuckDB's: {spark_matched:,} of {len(ours['values']):,}")
    if differences:
        sys.exit("the peer and mlmaturity disagree")


if __name__ == "__main__":
    main()
