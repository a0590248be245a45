"""FinOps FOCUS cost exports, one cloud account per team: tagged with team and model
(pricing), with the team only until the scoring VM is tagged with its model (claims), or
not at all for the GPU notebook instance (customer analytics)."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

from mlmaturity.demo.plan import Quarter, TeamPlan
from mlmaturity.demo.timeline import Adopted

FOCUS_COLUMNS = (
    "BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ServiceName",
    "ResourceId", "EffectiveCost", "BilledCost", "BillingCurrency", "Tags",
)  # fmt: skip


def focus_lines(
    team: TeamPlan, quarter: Quarter, adopted: Adopted, rng: random.Random
) -> list[dict[str, Any]]:
    """The quarter's monthly cost lines of the team's cloud account."""
    lines = []
    for month in range(3):
        start = date(quarter.start.year, quarter.start.month + month, 1)
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        for service, resource, base, tags in _resources(team, adopted):
            cost = round(base * rng.uniform(0.9, 1.15), 2)
            lines.append(
                {"BillingAccountId": _ACCOUNTS[team.id], "ChargePeriodStart": start.isoformat(),
                 "ChargePeriodEnd": end.isoformat(), "ChargeCategory": "Usage",
                 "ServiceName": service, "ResourceId": resource, "EffectiveCost": cost,
                 "BilledCost": cost, "BillingCurrency": "EUR",
                 "Tags": json.dumps(tags) if tags else ""}
            )  # fmt: skip
    return lines


_ACCOUNTS = {"pricing": "4410", "claims": "4420", "marketing": "4430"}


def _resources(team: TeamPlan, practices: Adopted) -> list[tuple[str, str, float, dict[str, str]]]:
    """(service, resource, monthly cost, tags) of a team's cloud account."""
    if team.id == "pricing":
        both = {"team": "pricing", "model": team.model}
        lines = [
            (
                "Amazon Elastic Container Service",
                "arn:aws:ecs:eu-west-2:4410:service/motor-risk-scoring",
                1850.0,
                both,
            ),
            (
                "AWS Batch",
                "arn:aws:batch:eu-west-2:4410:job-queue/motor-risk-training",
                420.0,
                both,
            ),
            (
                "Amazon S3",
                "arn:aws:s3:::northwind-motor-pricing-training",
                130.0,
                {"team": "pricing"},
            ),
        ]
        if "feature-store" in practices:
            lines.append(
                (
                    "Amazon DynamoDB",
                    "arn:aws:dynamodb:eu-west-2:4410:table/feast-online",
                    260.0,
                    both,
                )
            )
        return lines
    if team.id == "claims":
        vm_tags = (
            {"team": "claims", "model": team.model} if "card" in practices else {"team": "claims"}
        )
        return [
            ("Amazon EC2", "i-0c1a1m5vm2", 690.0, vm_tags),
            ("Amazon S3", "arn:aws:s3:::northwind-claims-analytics", 95.0, {"team": "claims"}),
        ]
    return [
        (
            "Amazon SageMaker",
            "arn:aws:sagemaker:eu-west-2:4430:notebook-instance/lena-gpu",
            940.0,
            {},
        ),
        ("Amazon S3", "arn:aws:s3:::northwind-marketing-data", 60.0, {"team": "marketing"}),
    ]
