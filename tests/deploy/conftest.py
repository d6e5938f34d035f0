"""What the deploy tests read: the Dockerfile's instructions and the Makefile's run command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def dockerfile(path: Path = ROOT / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, its arguments) in order: comments dropped, continuation lines joined."""
    instructions, pending = [], ""
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and not pending):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        name, _, args = pending.strip().partition(" ")
        instructions.append((name.upper(), " ".join(args.split())))
        pending = ""
    return instructions


def make_run_command() -> list[str]:
    """`make run`'s command, without the virtualenv's bin/ prefix."""
    recipe = re.search(r"^run:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    words = shlex.split(recipe.group(1))
    return [words[0].removeprefix("$(BIN)/"), *words[1:]]
