"""The two keyword searches give the same first offsets, whichever the machine has."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlmaturity.evidence.repo.keywords import AhoCorasickSearch, HyperscanSearch

KEYWORDS = [b"mlflow", b"flow", b"import mlflow", b"torch.load", b"a.b", b"(", b"\\d", b"load"]


def _hyperscan() -> HyperscanSearch:
    try:
        return HyperscanSearch(KEYWORDS)
    except ImportError:
        pytest.skip("hyperscan has no wheel for this machine")


def test_overlapping_nested_and_special_keywords() -> None:
    data = b"x = 1\nimport mlflow\nflow(torch.load(f))\n a.b \\d axb\n"
    expected = {0: 13, 1: 15, 2: 6, 3: 25, 4: 41, 5: 24, 6: 45, 7: 31}
    assert AhoCorasickSearch(KEYWORDS).first_offsets(data) == expected
    assert _hyperscan().first_offsets(data) == expected
    assert _hyperscan().first_offsets(b"") == {}


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=400)
    | st.text(alphabet="mlflowimport .()abd\\\n", max_size=200).map(str.encode)
)
def test_both_searches_agree(data: bytes) -> None:
    assert _hyperscan().first_offsets(data) == AhoCorasickSearch(KEYWORDS).first_offsets(data)
