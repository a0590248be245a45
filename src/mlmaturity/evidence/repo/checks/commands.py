"""What CI runs: the commands of each CI file, each on the line it is written on, and which
of them are ML steps (training, evaluation, registration, deployment).

A job's name or key (``deploy-docs:``) says nothing about what the job does; only what it runs
counts. YAML pipelines are composed into nodes (the safe loader's parser, never constructed
into objects), which keep where each value is written: the values of ``run:`` (GitHub
Actions, CircleCI), ``script:`` and its ``before``/``after`` parts (GitLab, Bitbucket, Azure
Pipelines), ``bash:``/``pwsh:``/``powershell:`` (Azure), ``command:``/``commands:``
(Buildkite, CircleCI). A Jenkinsfile's commands are its ``sh``, ``bat`` and ``powershell``
steps. A YAML file CI could not parse runs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from mlmaturity.evidence.finding import Location
from mlmaturity.evidence.repo.checks.common import ci_files, shared
from mlmaturity.evidence.repo.secrets import redact
from mlmaturity.evidence.repo.snapshot import Snapshot

COMMAND_KEYS = frozenset(
    "run script before_script after_script after-script command commands bash pwsh "
    "powershell inlineScript".split()
)
JENKINS_STEP = re.compile(
    r"""\b(?:sh|bat|powershell|pwsh)\b\s*\(?\s*(?:('{3}|"{3}|'|")|(?=\w+\s*:))"""
)
"""A step and the quote its string opens with, or its named arguments (``label: …``)."""
SCRIPT_ARGUMENT = re.compile(r"""\bscript\s*:\s*('{3}|"{3}|'|")""")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: eight times faster, and it bounds nesting."""
MAX_COMMAND = 1000
"""Characters of a simple command matched: commands are short, a hostile line is not."""
SEPARATORS = re.compile(r"&&|\|\||;|\|")
INSTALLS = re.compile(
    r"\b(?:pip3?|uv(?:\s+pip)?|poetry|pdm|conda|mamba|apt-get|apt|npm|yarn|brew)"
    r"\s+(?:-\S+\s+)*(?:install|add|sync)\b"
)
"""A command that installs something (and so runs none of what it names)."""
TEST_COMMANDS = re.compile(
    r"\b(pytest|py\.test|tox|nox|unittest|make test|npm test|go test|mvn test)\b"
)
RUNNER = re.compile(
    r"\b(?:python[\d.]*|(?:uv|poetry|pdm|pipenv|hatch|rye|conda)\s+run|make|just|invoke|task)\b",
    re.I,
)
"""What runs a project's own script, module or target."""


@dataclass(frozen=True)
class Step:
    """A kind of ML step: a script, module or target named with one of ``words`` (a word
    starting after a runner: ``python -m fraud.train``, ``make train``), or a tool's command.
    Both are searched in linear time: a hostile command line is long, not slow."""

    words: re.Pattern[str]
    tools: re.Pattern[str]

    def run_by(self, command: str) -> bool:
        runner = RUNNER.search(command)
        if runner is not None and self.words.search(command, runner.end()):
            return True
        return self.tools.search(command) is not None


def _step(words: str, *tools: str) -> Step:
    return Step(re.compile(rf"(?<![a-z])(?:{words})", re.I), re.compile("|".join(tools), re.I))


ML_STEPS = {
    "training": _step(
        r"(?:re|pre)?train|fine[-_]?tun|finetun|fit(?![a-z])|pipeline|submit",
        r"\bdvc\s+(?:repro|exp\s+run)\b",
        r"\b(?:mlflow|kedro|pyflyte)\s+run\b",
        r"\bzenml\s+pipeline\s+run\b",
        r"\bargo\s+submit\b",
        r"\bkfp\s+run\b",
        r"\bairflow\s+dags\s+trigger\b",
        r"\bprefect\s+deployment\s+run\b",
        r"\bdagster\s+(?:job\s+(?:launch|execute)|asset\s+materialize)\b",
        r"\baz\s+ml\s+job\s+create\b",
        r"\bgcloud\s+ai\s+custom-jobs\s+create\b",
        r"\bgcloud\s+ai-platform\s+jobs\s+submit\s+training\b",
        r"\baws\s+sagemaker\s+(?:create-training-job|start-pipeline-execution)\b",
        r"\b(?:torchrun|deepspeed)\b|\baccelerate\s+launch\b",
        r"flow\w*\.py\s+run\b",  # a Metaflow flow
    ),
    "evaluation": _step(r"eval", r"\bdvc\s+(?:metrics|plots)\s+(?:show|diff)\b"),
    "registration": _step(
        r"regist(?:er|ration)|promot",
        r"\baz\s+ml\s+model\s+(?:create|register)\b",
        r"\bgcloud\s+ai\s+models\s+upload\b",
        r"\baws\s+sagemaker\s+create-model-package\b",
    ),
    "deployment": _step(
        r"deploy",
        r"\bmlflow\s+(?:deployments\s+create|models\s+(?:serve|build-docker))\b",
        r"\bbentoml\s+(?:build|containerize|deploy)\b",
        r"\baz\s+ml\s+(?:online|batch)-(?:endpoint|deployment)\s+(?:create|update)\b",
        r"\bgcloud\s+ai\s+endpoints\s+deploy-model\b",
        r"\baws\s+sagemaker\s+(?:create|update)-endpoint\b",
        r"\b(?:kubectl|helm)\s[^|;&#]{0,200}?\b(?:inference|model|serving|kserve|seldon)",
    ),
}
NOT_A_MODEL = re.compile(r"\b(?:docs?|mkdocs|sphinx|gh-pages|pages|jekyll|hugo|storybook)\b", re.I)
"""Evaluating, registering or deploying these is not an ML step (``make deploy-docs``)."""


@dataclass(frozen=True, slots=True)
class Command:
    """One command line (continuation lines joined) of a CI file."""

    path: str
    line: int
    text: str

    @property
    def location(self) -> Location:
        return Location(path=self.path, line=self.line, snippet=redact(self.text)[:200])

    @property
    def parts(self) -> list[str]:
        """The simple commands of the line (split at ``&&``, ``||``, ``;`` and pipes)."""
        return [p.strip()[:MAX_COMMAND] for p in SEPARATORS.split(self.text) if p.strip()]


@shared
def ci_commands(repo: Snapshot) -> list[Command]:
    """Every command of every CI file, in file and line order."""
    found: list[Command] = []
    for path, system in ci_files(repo).items():
        text = repo.text(path) or ""
        found += jenkins_commands(path, text) if system == "Jenkins" else yaml_commands(path, text)
    return found


@shared
def ml_steps(repo: Snapshot) -> dict[str, list[Command]]:
    """The CI commands of each kind of ML step (training, evaluation …), the kinds in order."""
    found: dict[str, list[Command]] = {}
    for command in ci_commands(repo):
        for kind, step in ML_STEPS.items():
            if any(_is_step(kind, step, part) for part in command.parts):
                found.setdefault(kind, []).append(command)
    return {kind: found[kind] for kind in ML_STEPS if kind in found}


def _is_step(kind: str, step: Step, command: str) -> bool:
    command = command.split(" #", 1)[0]
    if TEST_COMMANDS.search(command) or INSTALLS.search(command):
        return False  # `pytest tests/test_train.py` tests, `pip install trainer` installs
    if kind != "training" and NOT_A_MODEL.search(command):
        return False
    return step.run_by(command)


def yaml_commands(path: str, text: str) -> list[Command]:
    try:
        documents = list(yaml.compose_all(text, Loader=LOADER))
    except (yaml.YAMLError, RecursionError):
        return []
    lines: dict[int, str] = {}
    for node in _command_values(documents):
        start = node.start_mark
        raw = text[start.index : node.end_mark.index].split("\n")
        if node.style in ("|", ">"):
            raw[0] = ""  # the block indicator, not a command
        elif node.style in ("'", '"'):  # the quotes, not the command
            raw[0] = raw[0][1:]
            raw[-1] = raw[-1][:-1]
        for number, line in _joined(raw, start.line + 1):
            lines.setdefault(number, line)
    return [Command(path, number, line) for number, line in sorted(lines.items())]


def _command_values(documents: list[yaml.Node]) -> Iterator[yaml.ScalarNode]:
    """The scalars under a command key, walked without recursion; an aliased node once."""
    stack: list[yaml.Node] = list(documents)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in COMMAND_KEYS:
                    yield from _scalars(value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """A command value's strings: itself, or the items of a (nested) list of them."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.ScalarNode):
            yield item
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(reversed(item.value))


def _joined(lines: list[str], first: int) -> Iterator[tuple[int, str]]:
    """Non-empty, non-comment lines numbered from ``first``, a trailing ``\\`` joining the next."""
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(lines, start=first):
        line = raw.strip()
        if pending is not None:
            number, line = pending[0], f"{pending[1]} {line}"
            pending = None
        if line.endswith("\\"):
            pending = (number, line[:-1].rstrip())
            continue
        if line and not line.startswith("#"):
            yield number, line
    if pending is not None and pending[1]:
        yield pending


def jenkins_commands(path: str, text: str) -> list[Command]:
    """The strings given to ``sh``, ``bat``, ``powershell`` and ``pwsh`` steps."""
    found: list[Command] = []
    block: str | None = None  # the closing quote of a multi-line step
    for number, raw in enumerate(text.splitlines(), start=1):
        if block is not None:
            body, closed, _ = raw.partition(block)
            block = None if closed else block
            if body.strip() and not body.strip().startswith("#"):
                found.append(Command(path, number, body.strip()))
            continue
        if raw.lstrip().startswith(("//", "*", "/*")):
            continue
        position = 0  # after the last step's string: a step's text is not searched for steps
        while block is None and (step := JENKINS_STEP.search(raw, position)) is not None:
            if step.group(1) is None:  # named arguments: the command is the script's
                step = SCRIPT_ARGUMENT.search(raw, step.end())
                if step is None:
                    break
            quote, rest = step.group(1), raw[step.end() :]
            end = _closing(rest, quote)
            if end == -1 and len(quote) == 3:
                block = quote
            end = len(rest) if end == -1 else end
            if rest[:end].strip():
                found.append(Command(path, number, rest[:end].strip()))
            position = step.end() + end + len(quote)
    return found


def _closing(text: str, quote: str) -> int:
    """Where the string opened by ``quote`` ends in ``text`` (an escaped quote does not end it)."""
    at = text.find(quote)
    while at > 0 and len(quote) == 1 and text[at - 1] == "\\":
        at = text.find(quote, at + 1)
    return at
