"""The exceptions of the bridge: a tool's failure carries its exit code and its one-line message."""
from __future__ import annotations

from typing import Any, Dict

# DESIGN.md's exit codes, for messages and for callers that branch on them.
EXIT_CODES = {
    1: "a gate failed",
    2: "usage",
    65: "bad input data",
    66: "an input file cannot be opened",
    69: "a requested backend is unavailable",
    70: "internal error",
    74: "I/O error while writing",
    75: "temporarily unavailable",
}


def _restore(cls: type, state: Dict[str, Any]) -> "ToolError":
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class ToolError(Exception):
    """A recdata tool failed (also importable as ``RecdataError``).

    ``exit_code`` is the tool's exit status (DESIGN.md: 2 usage, 65 bad input, ...),
    ``message`` its one-line error (``recdata dpu-hash: missing column "x" ...``),
    ``command`` the command line and ``stderr`` the end of what it wrote on stderr.
    """

    def __init__(self, command: str, exit_code: int, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.command = command
        self.exit_code = exit_code
        self.message = message
        self.stderr = stderr

    def __str__(self) -> str:
        return f"{self.message} (exit {self.exit_code})"

    # Exceptions cross process boundaries (Ray workers to the driver) by pickling.
    def __reduce__(self):  # type: ignore[override]
        return (_restore, (self.__class__, dict(self.__dict__)))


RecdataError = ToolError


class UnknownCommandError(ToolError, ValueError):
    """The command is not one the CLI knows: raised before any process starts (exit code 2, as the CLI's usage errors)."""

    def __init__(self, command: str, detail: str) -> None:
        super().__init__(command, 2, f"recdata: {detail}")


class CliNotFoundError(ToolError, FileNotFoundError):
    """The CLI (or node) could not be found: set RECDATA_CLI (and RECDATA_NODE)."""

    def __init__(self, detail: str) -> None:
        super().__init__("", 127, f"recdata: {detail}")


class GateFailedError(ToolError):
    """quality-scan with gate=True found a failing check of severity error (exit 1); ``report`` is the JSON report."""

    def __init__(self, command: str, message: str, report: Dict[str, Any], stderr: str = "") -> None:
        super().__init__(command, 1, message, stderr)
        self.report = report
