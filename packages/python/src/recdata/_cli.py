"""Finding the recdata CLI and turning a command line into the argv that runs it.

The CLI is a Node.js program (packages/cli/bin/run.js). It is found, in order:
the environment variable RECDATA_CLI (the run.js file, an executable such as
``recdata`` on PATH, or a monorepo checkout), then the monorepo this package sits
in, then ``recdata`` on PATH. Node is ``node`` on PATH unless RECDATA_NODE names it.

The command's name is checked against the CLI's oclif manifest before anything
starts, so a misspelt command fails here rather than in a worker on a cluster.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

from ._errors import CliNotFoundError, UnknownCommandError

CLI_ENV = "RECDATA_CLI"
NODE_ENV = "RECDATA_NODE"
_RUN_JS = Path("packages") / "cli" / "bin" / "run.js"

Command = Union[str, Sequence[str]]


@dataclass(frozen=True)
class Cli:
    """A located CLI: the argv prefix that starts it and the commands it knows."""

    prefix: Tuple[str, ...]
    location: str
    #: command id (``schema-migrate apply``) -> the names of its flags; None when no manifest was found
    commands: Optional[Dict[str, FrozenSet[str]]] = field(default=None, compare=False)

    def known(self) -> List[str]:
        return sorted(self.commands or {})


@dataclass(frozen=True)
class ResolvedCommand:
    """A command line split into the command's id (its words) and its arguments."""

    cli: Cli
    words: Tuple[str, ...]
    args: Tuple[str, ...]

    @property
    def id(self) -> str:
        return " ".join(self.words)

    @property
    def argv(self) -> List[str]:
        return [*self.cli.prefix, *self.words, *self.args]

    def has_flag(self, name: str) -> bool:
        flags = (self.cli.commands or {}).get(self.id)
        return flags is not None and name in flags

    def uses_flag(self, name: str) -> bool:
        return any(a == f"--{name}" or a.startswith(f"--{name}=") for a in self.args)


def _node() -> str:
    node = os.environ.get(NODE_ENV) or shutil.which("node")
    if not node:
        raise CliNotFoundError(f"node was not found on PATH; set {NODE_ENV} to the node executable")
    return node


def _manifest_for(run_js: Path) -> Optional[Dict[str, FrozenSet[str]]]:
    manifest = run_js.resolve().parent.parent / "oclif.manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {cid.replace(":", " "): frozenset((c.get("flags") or {}).keys()) for cid, c in data.get("commands", {}).items()}


def _from_run_js(run_js: Path) -> Cli:
    return Cli(prefix=(_node(), str(run_js)), location=str(run_js), commands=_manifest_for(run_js))


def _monorepo_run_js(start: Path) -> Optional[Path]:
    for d in [start, *start.parents]:
        candidate = d / _RUN_JS
        if candidate.is_file():
            return candidate
    return None


def _locate(env_value: Optional[str], cwd: str) -> Cli:
    if env_value:
        p = Path(env_value).expanduser()
        if p.is_dir():
            run_js = _monorepo_run_js(p) if (p / _RUN_JS).is_file() else (p / "bin" / "run.js")
            if run_js is None or not run_js.is_file():
                raise CliNotFoundError(f"{CLI_ENV}={env_value} is a folder without {_RUN_JS} or bin/run.js")
            return _from_run_js(run_js)
        if not p.exists():
            found = shutil.which(env_value)
            if not found:
                raise CliNotFoundError(f"{CLI_ENV}={env_value} does not exist")
            p = Path(found)
        real = p.resolve()
        if real.suffix in (".js", ".mjs"):
            return _from_run_js(real)
        # An executable (a shell wrapper or a symlink to bin/run.js).
        return Cli(prefix=(str(p),), location=str(p), commands=_manifest_for(real) if real.name == "run.js" else None)
    for start in (Path(__file__).resolve().parent, Path(cwd).resolve()):
        run_js = _monorepo_run_js(start)
        if run_js is not None:
            return _from_run_js(run_js)
    on_path = shutil.which("recdata")
    if on_path:
        real = Path(on_path).resolve()
        if real.suffix in (".js", ".mjs"):
            return _from_run_js(real)
        return Cli(prefix=(on_path,), location=on_path, commands=None)
    raise CliNotFoundError(f"the recdata CLI was not found: set {CLI_ENV} to packages/cli/bin/run.js (or a recdata executable)")


_cache: Dict[Tuple[Optional[str], str], Cli] = {}


def find_cli() -> Cli:
    """The CLI, located once per (RECDATA_CLI, working directory)."""
    key = (os.environ.get(CLI_ENV), os.getcwd() if not os.environ.get(CLI_ENV) else "")
    cli = _cache.get(key)
    if cli is None:
        cli = _cache[key] = _locate(key[0], os.getcwd())
    return cli


def split_command(cmd: Command) -> List[str]:
    if isinstance(cmd, str):
        words = shlex.split(cmd)
    elif isinstance(cmd, (list, tuple)):
        words = [os.fspath(w) if isinstance(w, os.PathLike) else str(w) for w in cmd]
    else:
        raise TypeError(f"a command is a string or a list of strings, got {type(cmd).__name__}")
    if words and words[0] == "recdata":
        words = words[1:]
    if not words:
        raise UnknownCommandError("", "no command given")
    return words


def resolve(cmd: Command, cli: Optional[Cli] = None) -> ResolvedCommand:
    """Splits a command line and checks its command against the CLI's manifest (before any process starts)."""
    cli = cli or find_cli()
    words = split_command(cmd)
    if cli.commands is None:
        # No manifest to check against: the command's first words are its id as typed.
        n = 2 if len(words) > 1 and not words[1].startswith("-") and words[0] in ("gen", "schema-migrate") else 1
        return ResolvedCommand(cli, tuple(words[:n]), tuple(words[n:]))
    for n in range(min(3, len(words)), 0, -1):
        if " ".join(words[:n]) in cli.commands:
            return ResolvedCommand(cli, tuple(words[:n]), tuple(words[n:]))
    head = words[0]
    subcommands = sorted(c.split(" ", 1)[1] for c in cli.commands if c.startswith(head + " "))
    if subcommands:
        detail = f'"{head}" needs a subcommand: {", ".join(subcommands)}'
        if len(words) > 1:
            detail = f'"{head} {words[1]}" is not a command; {head} has: {", ".join(subcommands)}'
        raise UnknownCommandError(head, detail)
    raise UnknownCommandError(head, f'command "{head}" not found; the CLI at {cli.location} has: {", ".join(cli.known())}')
