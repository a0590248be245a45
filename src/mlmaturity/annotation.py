"""A person's dispute of a finding: not applicable here, or a risk we accept, with a reason."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Annotation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    status: Literal["not_applicable", "accepted"]
    reason: Annotated[str, Field(min_length=3, max_length=500)]
    subject: str | None = Field(
        default=None,
        description="Only for this subject (a repository as listed in the workspace); all when omitted.",
    )
    paths: list[Annotated[str, Field(min_length=1)]] = Field(
        default=[],
        description=(
            "Only where every location of the finding lies under these paths (patterns as in "
            ".gitignore, relative to the repository); anywhere when omitted."
        ),
    )
