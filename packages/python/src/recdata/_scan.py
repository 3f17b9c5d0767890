"""quality-scan from Python: the JSON report as a dict."""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, List, Mapping, Optional, Union

from ._errors import GateFailedError, ToolError
from ._run import ArrowData, run_text

Checks = Union[str, "os.PathLike[str]", Mapping[str, Any], None]


def _flag_words(options: Mapping[str, Any]) -> List[str]:
    words: List[str] = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            words.append(flag)
        elif isinstance(value, (list, tuple)):
            words += [flag, ",".join(str(v) for v in value)]
        else:
            words += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return words


def scan(data: ArrowData, checks: Checks = None, *, gate: bool = False, env: Optional[Mapping[str, str]] = None, **options: Any) -> Dict[str, Any]:
    """Runs ``quality-scan --json`` over the data and returns the report (``{summary, checks, input}``).

    ``checks`` is a checks file (YAML, docs/quality-checks.md) or the same content as
    a dict; without it the default checks run. Other quality-scan flags are keyword
    arguments (``now="2026-11-09T00:00:00Z"``, ``user_column="uid"``, ``reference=path``).
    With ``gate=True`` a failing check of severity error raises GateFailedError (exit 1),
    which carries the report; otherwise the report is returned whatever it found.
    """
    tmp: Optional[str] = None
    try:
        if isinstance(checks, Mapping):
            # YAML is a superset of JSON: the dict is written as JSON.
            fd, tmp = tempfile.mkstemp(prefix="recdata-checks-", suffix=".yaml")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(checks, f)
            checks = tmp
        words = ["quality-scan", "--json", *_flag_words({"checks": checks, "gate": gate, **options})]
        try:
            text = run_text(words, data, env=env)
        except ToolError as e:
            if gate and e.exit_code == 1:
                report = json.loads(_stdout_of(e)) if _stdout_of(e) else {}
                raise GateFailedError(e.command, e.message, report, e.stderr) from None
            raise
        return json.loads(text)
    finally:
        if tmp is not None:
            os.unlink(tmp)


def _stdout_of(e: ToolError) -> str:
    return getattr(e, "stdout", "") or ""
