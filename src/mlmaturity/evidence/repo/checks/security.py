"""ML security: no pickles committed or loaded unsafely, safe formats, no secrets, model scanning."""

from __future__ import annotations

import io
import pickletools
import re

from mlmaturity.evidence.finding import (
    Location,
    Verdict,
    failed,
    inconclusive,
    not_applicable,
    passed,
)
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    CI_FILES,
    CODE,
    at,
    ci_files,
    ci_lines,
    code_hits,
)
from mlmaturity.evidence.repo.secrets import PREFIXES
from mlmaturity.evidence.repo.snapshot import Snapshot, suffix_of
from mlmaturity.words import plural

PICKLE_SUFFIXES = frozenset(".pkl .pickle .joblib .dill .sav".split())
TORCH_SUFFIXES = frozenset(".pt .pth .ckpt .bin .model".split())
"""Where a zip file is torch's format, which wraps a pickle (a .keras zip does not)."""
SAFE_SUFFIXES = frozenset(".safetensors .onnx".split())
RISKY_SAVES = (
    "pickle.dump",
    "joblib.dump",
    "torch.save(",
    "dill.dump",
    "cloudpickle.dump",
    ".to_pickle(",
)
SAFE_CODE = ("safetensors", "save_file(", "torch.onnx.export", "skops", "onnxmltools", "to_onnx(")
MODEL_SCANNERS = re.compile(r"modelscan|picklescan|fickling|protectai", re.I)


OLD_PICKLE_OPENINGS = frozenset("MARK GLOBAL INST EMPTY_DICT EMPTY_LIST EMPTY_TUPLE".split())
"""How pickles of protocols 0 and 1, which have no header, usually open."""
CODE_AND_CONFIG = (".py", ".ipynb", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".env", ".sh", ".tf")
"""Files where a credential or a model load would matter: unread ones leave a check unsure."""


def _is_pickle(magic: bytes, suffix: str) -> bool:
    """Pickle protocol 2+ starts with 0x80 and the protocol; torch's zip format wraps a pickle;
    protocols 0 and 1 are told by their first opcodes, decoded (never run) by pickletools."""
    if len(magic) >= 2 and magic[0] == 0x80 and 2 <= magic[1] <= 5:
        return True
    if magic.startswith(b"PK\x03\x04"):
        return suffix in TORCH_SUFFIXES
    opcodes = []
    try:
        for opcode, _, _ in pickletools.genops(io.BytesIO(magic)):
            opcodes.append(opcode.name)
    except ValueError as exc:
        # Cut short where the bytes we kept end: fine. A byte that is no opcode: not a pickle.
        if "unknown" in str(exc):
            return False
    return len(opcodes) >= 2 and opcodes[0] in OLD_PICKLE_OPENINGS


def pickle_artifacts(repo: Snapshot) -> list[str]:
    """Files that are pickles: by a pickle suffix, or by their first bytes (the scan keeps
    those of model files, and of any binary file that starts like a pickle)."""
    return [
        path
        for path, magic in sorted(repo.magic.items())
        if suffix_of(path) in PICKLE_SUFFIXES or _is_pickle(magic, suffix_of(path))
    ]


def _unread(repo: Snapshot) -> list[Location]:
    return [Location(path=s.path, snippet=s.reason) for s in repo.unread(*CODE_AND_CONFIG)]


@check(
    "no-pickle-artifacts",
    question="Are no pickle-family model files (.pkl, .joblib, torch .pt …) committed?",
    source="repos",
    remediation="Do not commit pickled models: loading one runs code. Use safetensors or ONNX and a registry.",
    effort="medium",
)
def no_pickle_artifacts(repo: Snapshot) -> Verdict:
    found = pickle_artifacts(repo)
    if found:
        return failed(
            f"{plural(len(found), 'pickle-family model file')} committed",
            *(Location(path=p) for p in found),
        )
    if not repo.magic and not repo.with_suffix(*SAFE_SUFFIXES):
        return not_applicable("no model files committed")
    return passed("no pickle-family model files committed")


@check(
    "safe-model-loading",
    question="Is model loading free of unsafe deserialization (pickle.load, joblib.load, torch.load without weights_only)?",
    source="repos",
    remediation="Load weights with safetensors, or torch.load(..., weights_only=True); never unpickle untrusted files.",
    effort="medium",
)
def safe_model_loading(repo: Snapshot) -> Verdict:
    unsafe = [
        Location(path=path, line=line, snippet=f"{call}(…)")
        for path, facts in sorted(repo.python_facts.items())
        for line, call in facts["unsafe_loads"]
    ]
    if unsafe:
        return failed(plural(len(unsafe), "unsafe deserialization call"), *unsafe)
    if repo.unparsed:
        reasons = [Location(path=p, snippet=reason) for p, reason in sorted(repo.unparsed.items())]
        return inconclusive(f"{plural(len(reasons), 'file')} could not be parsed", *reasons)
    unread = [u for u in _unread(repo) if u.path.endswith(CODE)]
    if unread:
        return inconclusive(f"{plural(len(unread), 'code file')} too large or unreadable", *unread)
    if not repo.python_facts:
        return not_applicable("no code mentions a pickle-family loader")
    return passed("every model load is safe")


@check(
    "safe-model-formats",
    question="Are models saved in safe formats (safetensors, ONNX, skops)?",
    source="repos",
    remediation="Save models as safetensors or ONNX (or skops for scikit-learn) instead of pickles.",
    effort="medium",
    keywords=SAFE_CODE + RISKY_SAVES,
)
def safe_model_formats(repo: Snapshot) -> Verdict:
    safe_files = repo.with_suffix(*SAFE_SUFFIXES)
    safe_code = code_hits(repo, *SAFE_CODE)
    if safe_files or safe_code:
        return passed(
            "safe formats in use",
            *(Location(path=p) for p in safe_files),
            *(at(h) for h in safe_code),
        )
    risky = [Location(path=p) for p in pickle_artifacts(repo)]
    risky += [Location(path=p) for p, f in sorted(repo.python_facts.items()) if f["unsafe_loads"]]
    risky += [at(h) for h in code_hits(repo, *RISKY_SAVES)]
    if risky:
        return failed("models are saved or loaded as pickles, with no safe format", *risky)
    return not_applicable("no model files or serialization code")


@check(
    "no-committed-secrets",
    question="Are no credentials committed (high-confidence token and key patterns)?",
    source="repos",
    remediation="Remove the secret, rotate it now, and load credentials from a secrets manager.",
    effort="low",
    keywords=PREFIXES,
)
def no_committed_secrets(repo: Snapshot) -> Verdict:
    found = [Location(path=h.path, line=h.line, snippet=h.snippet) for h in repo.secrets]
    if found:
        return failed(plural(len(found), "committed secret"), *found)
    unread = _unread(repo)
    if unread:
        return inconclusive(
            f"no secret found, but {plural(len(unread), 'code or configuration file')} "
            f"{'was' if len(unread) == 1 else 'were'} not read",
            *unread,
        )
    return passed("no high-confidence secret patterns found")


@check(
    "model-scan-in-ci",
    question="Does CI scan model files for unsafe content (modelscan, picklescan)?",
    source="repos",
    remediation="Scan model artifacts in CI with modelscan or picklescan before they are registered.",
    effort="low",
    reads=CI_FILES,
)
def model_scan_in_ci(repo: Snapshot) -> Verdict:
    if not ci_files(repo):
        return not_applicable("no CI configuration")
    lines = ci_lines(repo, MODEL_SCANNERS)
    if lines:
        return passed("CI scans model files", *lines)
    return failed("CI does not scan model files")


ROBUSTNESS = (
    "art.attacks",
    "art.estimators",
    "adversarial-robustness-toolbox",
    "garak",
    "textattack",
    "foolbox",
    "cleverhans",
    "robustbench",
)


@check(
    "robustness-tested",
    question="Is adversarial robustness tested (ART, garak, TextAttack, Foolbox)?",
    source="repos",
    remediation="Test robustness to adversarial inputs with the Adversarial Robustness Toolbox or garak.",
    effort="high",
    keywords=ROBUSTNESS,
)
def robustness_tested(repo: Snapshot) -> Verdict:
    hits = code_hits(repo, *ROBUSTNESS)
    if hits:
        return passed("robustness tooling used", *(at(h) for h in hits))
    if not repo.python_lines and not repo.notebooks:
        return not_applicable("no code in this repository")
    return failed("no adversarial robustness testing")
