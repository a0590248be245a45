"""SARIF as GitHub code scanning reads it: real repositories, the real scanner, the official
schema, and what GitHub needs beyond the schema (one location per result, stable fingerprints,
a category per run, the rule properties it reads, percent-encoded paths)."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema

from mlmaturity.evidence.repo.collector import assess_repository
from mlmaturity.report.sarif import sarif_log
from tests.conftest import DATA
from tests.evidence.conftest import git, make_git_repo
from tests.test_cli import run

SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
TOKEN = "ghp_" + "a" * 36
LOADS = (
    "import pickle\nimport torch\n"
    "a = pickle.load(open('a.pkl', 'rb'))\n"
    "b = pickle.load(open('b.pkl', 'rb'))\n"
    "c = torch.load('c.pt')\n"
)
CONFIG = f"TOKEN = '{TOKEN}'\n"
REPO: dict[str, str | bytes] = {
    "README.md": "# churn\n",
    "train.py": LOADS,
    "config.py": CONFIG,
    "models/a.pkl": b"\x80\x04\x95\x10\x00",
    "models/b.pkl": b"\x80\x04\x95\x10\x00",
}


def scan_sarif(*repos: Path) -> dict[str, Any]:
    result = run("scan", *repos, "--format", "sarif", "--no-history")
    assert result.returncode == 0, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


def of_rule(sarif_run: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in sarif_run["results"] if r["ruleId"] == rule]


def where(result: dict[str, Any]) -> tuple[str, int | None]:
    [location] = result["locations"]
    physical = location["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical.get("region", {}).get("startLine")


def fingerprint(result: dict[str, Any]) -> str:
    value: str = result["partialFingerprints"]["primaryLocationLineHash"]
    return value


def test_every_location_of_a_failed_check_is_a_result(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "churn", REPO)
    [sarif_run] = scan_sarif(repo)["runs"]
    assert "relatedLocations" not in json.dumps(sarif_run)  # GitHub makes no alert of them
    loads = of_rule(sarif_run, "safe-model-loading")
    assert [where(r) for r in loads] == [("train.py", 3), ("train.py", 4), ("train.py", 5)]
    assert [r["message"]["text"].split(". ")[0] for r in loads] == [
        "3 unsafe deserialization calls: pickle.load(…)",
        "3 unsafe deserialization calls: pickle.load(…)",
        "3 unsafe deserialization calls: torch.load(…)",
    ]
    pickles = of_rule(sarif_run, "no-pickle-artifacts")
    assert [where(r) for r in pickles] == [("models/a.pkl", None), ("models/b.pkl", None)]
    [no_ci] = of_rule(sarif_run, "ci-present")  # no location: one result, at the README
    assert where(no_ci) == ("README.md", None)
    fingerprints = [fingerprint(r) for r in sarif_run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)

    # The same count for every check: one result per distinct location of each failed or
    # undecided finding, one for a finding without locations.
    report = json.loads(run("scan", repo, "-f", "json", "--no-history").stdout)
    expected = {}
    for finding in report["repositories"][0]["findings"]:
        if (finding["original_outcome"] or finding["outcome"]) in ("fail", "inconclusive"):
            places = {(p["path"], p["line"], p["snippet"]) for p in finding["locations"]}
            expected[finding["check"]] = max(len(places), 1)
    counted: dict[str, int] = {}
    for result in sarif_run["results"]:
        counted[result["ruleId"]] = counted.get(result["ruleId"], 0) + 1
    assert counted == expected


def test_every_result_of_an_annotated_finding_is_suppressed(tmp_path: Path) -> None:
    annotations = (
        "version: 1\nannotations:\n  - check: no-pickle-artifacts\n    status: accepted\n"
        "    reason: synthetic fixtures, never loaded\n"
    )
    repo = make_git_repo(tmp_path / "churn", {**REPO, ".mlmaturity.yaml": annotations})
    [sarif_run] = scan_sarif(repo)["runs"]
    pickles = of_rule(sarif_run, "no-pickle-artifacts")
    assert len(pickles) == 2
    for result in pickles:
        assert result["level"] == "error"  # what the check said, shown as disputed
        [suppression] = result["suppressions"]
        assert suppression["justification"] == "accepted: synthetic fixtures, never loaded"
    assert all("suppressions" not in r for r in of_rule(sarif_run, "safe-model-loading"))


def test_fingerprints_survive_lines_inserted_above_the_hits(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "churn", REPO)
    [before] = scan_sarif(repo)["runs"]
    (repo / "train.py").write_text('"""Training."""\n\n' + LOADS)
    (repo / "config.py").write_text("# settings\n\n" + CONFIG)
    git(repo, "commit", "-qam", "docstrings")
    [after] = scan_sarif(repo)["runs"]
    for rule in ("safe-model-loading", "no-committed-secrets"):
        earlier, later = of_rule(before, rule), of_rule(after, rule)
        assert [where(r)[1] for r in later] == [(where(r)[1] or 0) + 2 for r in earlier]
        assert [fingerprint(r) for r in later] == [fingerprint(r) for r in earlier]
    assert {fingerprint(r) for r in after["results"]} == {fingerprint(r) for r in before["results"]}

    # What is at the line is what the fingerprint follows: another call there is another alert.
    (repo / "train.py").write_text(LOADS.replace("torch.load('c.pt')", "pickle.loads(b'')"))
    git(repo, "commit", "-qam", "another loader")
    [changed] = scan_sarif(repo)["runs"]
    old = [fingerprint(r) for r in of_rule(before, "safe-model-loading")]
    new = [fingerprint(r) for r in of_rule(changed, "safe-model-loading")]
    assert new[:2] == old[:2] and new[2] != old[2]


def test_each_repository_is_a_run_with_its_own_category(tmp_path: Path) -> None:
    churn = make_git_repo(tmp_path / "churn", REPO)
    fraud = make_git_repo(tmp_path / "fraud", {"README.md": "# fraud\n"})
    runs = scan_sarif(churn, fraud)["runs"]
    ids = [r["automationDetails"]["id"] for r in runs]
    # GitHub reads the id as category/run-id, the category up to the last slash.
    assert ids == [f"mlmaturity/{churn}/", f"mlmaturity/{fraud}/"]
    assert len({i.rpartition("/")[0] for i in ids}) == 2
    assert of_rule(runs[0], "safe-model-loading") and not of_rule(runs[1], "safe-model-loading")

    # The same repository twice still gives two categories.
    twice = scan_sarif(churn, churn)["runs"]
    assert [r["automationDetails"]["id"] for r in twice] == [
        f"mlmaturity/{churn}/",
        f"mlmaturity/{churn}#2/",
    ]
    # A subject written another way (as a workspace may list it) is the same category.
    scanned = assess_repository(churn, "churn", history=False)
    for spelling in ("./churn/", "churn//", "churn"):
        [written] = sarif_log([(spelling, scanned.root, scanned.findings)])["runs"]
        assert written["automationDetails"]["id"] == "mlmaturity/churn/"


def test_more_runs_than_github_accepts_are_named(tmp_path: Path) -> None:
    repos = [make_git_repo(tmp_path / f"r{i}", {"README.md": "# r\n"}) for i in range(21)]
    many = run("scan", *repos, "-f", "sarif", "--no-history")
    assert many.returncode == 0, many.stderr
    assert len(json.loads(many.stdout)["runs"]) == 21
    assert "21 runs in one SARIF file" in many.stderr and "at most 20" in many.stderr
    few = run("scan", *repos[:20], "-f", "sarif", "--no-history")
    assert few.returncode == 0 and "SARIF file" not in few.stderr


HOSTILE = {
    "<script>.py": "%3Cscript%3E.py",
    'it\'s "quoted".py': "it%27s%20%22quoted%22.py",
    "with space.py": "with%20space.py",
    "naïve_模型.py": "na%C3%AFve_%E6%A8%A1%E5%9E%8B.py",
    "100%.py": "100%25.py",
    "a#b?c.py": "a%23b%3Fc.py",
    "[x](1).py": "%5Bx%5D%281%29.py",
    "back\\slash.py": "back%5Cslash.py",
    "sub dir/x.py": "sub%20dir/x.py",
}
URI_CHARACTERS = set(string.ascii_letters + string.digits + "-._~/%")


def test_odd_file_names_are_percent_encoded_and_round_trip(tmp_path: Path) -> None:
    files = dict.fromkeys(HOSTILE, "import pickle\npickle.load(f)\n")
    repo = make_git_repo(tmp_path / "a repo ü", {"README.md": "# odd\n", **files})
    [sarif_run] = scan_sarif(repo)["runs"]
    uris = sorted(where(r)[0] for r in of_rule(sarif_run, "safe-model-loading"))
    assert uris == sorted(HOSTILE.values())
    for uri in uris:
        assert set(uri) <= URI_CHARACTERS, uri
        parts = urlsplit(uri)  # a relative reference: no scheme, query or fragment to misread
        assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")
        assert unquote(parts.path) in HOSTILE
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.endswith("/a%20repo%20%C3%BC/") and set(base) <= URI_CHARACTERS | {":"}
    assert unquote(urlsplit(base).path) == f"{repo.resolve()}/"


def test_messages_name_the_detail_and_escape_what_sarif_reserves(tmp_path: Path) -> None:
    config = f'CONF = {{"token": "{TOKEN}"}}  # see [the docs](1)\n'
    repo = make_git_repo(tmp_path / "churn", {"README.md": "# c\n", "config.py": config})
    [sarif_run] = scan_sarif(repo)["runs"]
    [secret] = of_rule(sarif_run, "no-committed-secrets")
    text = secret["message"]["text"]
    assert text.startswith("1 committed secret: ")
    assert TOKEN not in json.dumps(sarif_run)
    # Braces are doubled (a lone one would be a placeholder, §3.11.5) and brackets escaped
    # where "](" could read as an embedded link to a location (§3.11.6).
    assert "{{" in text and not re.search(r"(?<!\{)\{(?!\{)|(?<!\})\}(?!\})", text)
    assert "\\[the docs\\](1)" in text and not re.search(r"(?<!\\)\[", text)


def test_rules_carry_what_github_reads(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "churn", REPO)
    [sarif_run] = scan_sarif(repo)["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert len(rules) >= 40
    for rule in rules:
        properties = rule["properties"]
        assert rule["help"]["text"] and rule["help"]["markdown"], rule["id"]
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert len(rule["name"]) <= 255
        assert properties["precision"] in {"very-high", "high", "medium", "low"}
        assert properties["problem.severity"] in {"error", "warning", "recommendation"}
        assert len(properties["tags"]) <= 10  # GitHub shows ten
        assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
        security = "security" in properties["tags"]
        assert security == ("security-severity" in properties), rule["id"]
        if security:
            assert 0.0 < float(properties["security-severity"]) <= 10.0
        assert "helpUri" not in rule or urlsplit(rule["helpUri"]).scheme == "https"
    by_id = {rule["id"]: rule for rule in rules}
    # GitHub: "over 9.0 is critical"; committed secrets are critical.
    assert float(by_id["no-committed-secrets"]["properties"]["security-severity"]) > 9.0
    assert {r["properties"]["problem.severity"] for r in rules} == {"error", "warning"}
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"] and fingerprint(result)
        assert where(result)[0]  # one location with a non-empty URI, as GitHub requires


def test_results_are_capped_per_rule_and_the_run_says_so(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "churn", REPO)
    scanned = assess_repository(repo, "churn", history=False)
    full = sarif_log([("churn", scanned.root, scanned.findings)])
    [whole] = full["runs"]
    assert whole["properties"] == {"resultsCapped": False}
    capped = sarif_log([("churn", scanned.root, scanned.findings)], max_per_rule=2)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(capped)
    [cut] = capped["runs"]
    assert [where(r) for r in of_rule(cut, "safe-model-loading")] == [
        ("train.py", 3),
        ("train.py", 4),
    ]
    assert len(of_rule(cut, "no-pickle-artifacts")) == 2  # at the cap, nothing left out
    assert cut["properties"] == {
        "resultsCapped": True,
        "maxResultsPerRule": 2,
        "maxResultsPerRun": 25_000,
        "omittedResults": {"safe-model-formats": 1, "safe-model-loading": 1},
    }
    [short] = sarif_log([("churn", scanned.root, scanned.findings)], max_per_run=5)["runs"]
    assert len(short["results"]) == 5
    assert sum(short["properties"]["omittedResults"].values()) == len(whole["results"]) - 5


def test_a_place_a_finding_lists_twice_is_one_result(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "churn", REPO)
    scanned = assess_repository(repo, "churn", history=False)
    doubled = [f.model_copy(update={"locations": f.locations * 2}) for f in scanned.findings]
    [once] = sarif_log([("churn", scanned.root, scanned.findings)])["runs"]
    [twice] = sarif_log([("churn", scanned.root, doubled)])["runs"]
    assert twice["results"] == once["results"]
    assert len(of_rule(twice, "safe-model-loading")) == 3


def test_a_repository_without_files_gives_no_result_without_a_location(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "empty", {})
    [sarif_run] = scan_sarif(repo)["runs"]
    assert sarif_run["results"] == []  # GitHub rejects a whole upload for one unlocated result
    assert "ci-present" in sarif_run["properties"]["unlocatedFindings"]


def test_an_assessment_gives_each_finding_once(tmp_path: Path) -> None:
    from mlmaturity.assess import assess
    from mlmaturity.report import render

    make_git_repo(tmp_path / "churn", REPO)
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n"
        "  - id: a\n    sources:\n      repos: [churn]\n"
        "  - id: b\n    sources:\n      repos: [churn]\n"
    )
    log = json.loads(render(assess(tmp_path), "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [sarif_run] = log["runs"]
    assert sarif_run["automationDetails"]["id"] == "mlmaturity/churn/"
    loads = of_rule(sarif_run, "safe-model-loading")
    assert [where(r) for r in loads] == [
        ("churn/train.py", 3),
        ("churn/train.py", 4),
        ("churn/train.py", 5),
    ]
    fingerprints = [fingerprint(r) for r in sarif_run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
