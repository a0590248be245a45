"""The roadmap to the next stage: what is not yet met, in the order to do it.

Order: a criterion comes after those it names in ``after`` and after the lower levels of
its own capability; among those ready at the same time, lower levels first, then the
criterion that lowers the most severe barrier, then model order.
"""

from __future__ import annotations

import graphlib
from collections.abc import Sequence

from mlmaturity.model import Model
from mlmaturity.model.schema import Capability, Criterion
from mlmaturity.scoring.result import (
    BarrierResult,
    CapabilityResult,
    CriterionResult,
    KpiRef,
    RoadmapItem,
    Status,
)

_KPI_STAGE_FOR_LEVEL = {1: "baseline", 2: "baseline", 3: "actionable", 4: "optimized"}


def _kpi(model: Model, capability: Capability, criterion: Criterion, level: int) -> KpiRef | None:
    """The criterion's own KPI, else the capability's KPI for that stage, else its first."""
    candidates = [model.kpis[k] for k in capability.kpis if k in model.kpis]
    wanted = _KPI_STAGE_FOR_LEVEL[level]
    chosen = model.kpis.get(criterion.kpi or "") or next(
        (k for k in candidates if k.stage == wanted), candidates[0] if candidates else None
    )
    if chosen is None:
        return None
    return KpiRef(id=chosen.id, name=chosen.name, stage=chosen.stage, unit=chosen.unit)


def roadmap(
    model: Model,
    capabilities: Sequence[CapabilityResult],
    barriers: Sequence[BarrierResult],
    next_stage: int,
) -> list[RoadmapItem]:
    open_items: dict[str, CriterionResult] = {
        c.id: c
        for cap in capabilities
        for c in cap.criteria
        if c.level <= next_stage and c.status != Status.MET
    }
    severity = {b.id: b.severity or 0.0 for b in barriers}
    position = {cid: i for i, cid in enumerate(model.placed_criteria)}
    graph: dict[str, set[str]] = {}
    for cid, result in open_items.items():
        placed = model.placed_criteria[cid]
        same_capability_below = {
            other.id
            for other in open_items.values()
            if other.capability == result.capability and other.level < result.level
        }
        graph[cid] = (set(placed.criterion.after) & open_items.keys()) | same_capability_below

    def rank(cid: str) -> tuple[int, float, int]:
        placed = model.placed_criteria[cid]
        worst = max((severity.get(b, 0.0) for b in placed.capability.barriers), default=0.0)
        return placed.level, -worst, position[cid]

    # One at a time, so a lower-level item freed by the last step goes before higher ones.
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    ready, ordered = list(sorter.get_ready()), []
    while ready:
        best = min(ready, key=rank)
        ready.remove(best)
        ordered.append(best)
        sorter.done(best)
        ready.extend(sorter.get_ready())
    items = []
    for order, cid in enumerate(ordered, start=1):
        placed = model.placed_criteria[cid]
        capability, criterion = placed.capability, placed.criterion
        items.append(
            RoadmapItem(
                order=order,
                criterion=cid,
                statement=criterion.statement,
                why=criterion.why,
                capability=capability.id,
                capability_name=capability.name,
                level=placed.level,
                status=open_items[cid].status,
                barriers=capability.barriers,
                tools=capability.levels[placed.level].tools,
                kpi=_kpi(model, capability, criterion, placed.level),
            )
        )
    return items
