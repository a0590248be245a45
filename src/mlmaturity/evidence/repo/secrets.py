"""High-confidence credential patterns, found in whole files, and redaction for every snippet.

Secrets are searched in the full text of each file that holds one of their prefixes (the
keyword search finds those cheaply), never only in sampled lines, and no snippet we show ever
contains one: every text taken from a repository goes through ``redact``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECRETS = {
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}"),
    "Slack token": re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    "private key": re.compile(
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY(?: BLOCK)?-----"
    ),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Stripe live key": re.compile(r"\b[rs]k_live_[0-9A-Za-z]{24,}"),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z]{34}\b"),
    "OpenAI key": re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{40,}"),
}
# Literal prefixes: a file holding none of them cannot hold a secret above.
PREFIXES = (
    "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xoxa-", "xoxb-",
    "xoxp-", "xoxr-", "xoxs-", "PRIVATE KEY", "AIza", "sk_live_", "rk_live_", "hf_", "sk-",
)  # fmt: skip
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in SECRETS.values()))
MAX_PER_FILE = 20


@dataclass(frozen=True, slots=True)
class SecretHit:
    path: str
    line: int
    kind: str
    snippet: str


def redact(text: str) -> str:
    """Keep the first four characters of any secret in ``text``; hide the rest."""
    return _ANY.sub(lambda m: m.group(0)[:4] + "…[redacted]", text)


def find_secrets(path: str, data: bytes) -> list[SecretHit]:
    text = data.decode("utf-8", "replace")
    found = []
    for kind, pattern in SECRETS.items():
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.start())
            line = text[line_start : line_end if line_end != -1 else len(text)]
            number = text.count("\n", 0, match.start()) + 1
            found.append(SecretHit(path, number, kind, f"{kind}: {redact(line.strip())[:180]}"))
            if len(found) >= MAX_PER_FILE:
                return found
    return found
