"""recdata from Python: the same command-line tools over pyarrow data.

    import recdata
    t = recdata.run("dpu-hash --cols item_id --buckets 1000000", table)   # pyarrow.Table in and out
    report = recdata.scan(table, checks="checks.yaml")                    # quality-scan --json, as a dict

The tools run as child processes of the recdata CLI (Node.js), fed and read as
Arrow IPC streams; ``recdata.ray`` runs them inside Ray Data. The CLI is found in
the monorepo this package sits in, or where RECDATA_CLI says (docs/scale-out.md).
"""
from ._cli import CLI_ENV, NODE_ENV, find_cli
from ._errors import EXIT_CODES, CliNotFoundError, GateFailedError, RecdataError, ToolError, UnknownCommandError
from ._run import ToolStream, output_schema, run, run_text
from ._scan import scan

__all__ = [
    "run",
    "run_text",
    "scan",
    "output_schema",
    "find_cli",
    "ToolStream",
    "ToolError",
    "RecdataError",
    "UnknownCommandError",
    "CliNotFoundError",
    "GateFailedError",
    "EXIT_CODES",
    "CLI_ENV",
    "NODE_ENV",
]
