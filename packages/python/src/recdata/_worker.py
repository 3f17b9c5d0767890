"""A tool process kept across batches, for engines that call a function per batch.

Each call writes one batch to the running tool and reads back exactly as many rows:
transforms that map each input row to one output row and answer each batch before
reading the next (dpu-hash, gpu-featurize transform, schema-migrate apply, cat)
can serve a whole worker's batches this way, paying Node's start-up once. A reader
thread keeps draining stdout, so writing a batch never waits on a full pipe.
"""
from __future__ import annotations

import queue
import subprocess
import threading
from typing import Any, List, Mapping, Optional, Tuple, Union

import pyarrow as pa

from ._cli import ResolvedCommand
from ._errors import ToolError
from ._run import StderrTail, _failure_message, child_env, is_broken_pipe

# Commands that give one output row per input row, batch by batch, with no state
# that makes a batch's output depend on the batches before it.
ROW_TRANSFORMS = frozenset({"dpu-hash", "cat", "schema-migrate apply", "gpu-featurize transform"})
# Flags that break the one-row-per-row contract of a command above.
ROW_BREAKING_FLAGS = {"cat": ("head", "schema", "print-schema"), "dpu-hash": ("print-schema",), "schema-migrate apply": ("print-schema",), "gpu-featurize transform": ("print-schema", "training")}


def keeps_rows(resolved: ResolvedCommand) -> bool:
    """True when one process can serve many batches (see ROW_TRANSFORMS)."""
    if resolved.id not in ROW_TRANSFORMS:
        return False
    return not any(resolved.uses_flag(f) for f in ROW_BREAKING_FLAGS.get(resolved.id, ()))


_END = object()


class PersistentTool:
    """One tool process serving batch after batch (restarted when the input schema changes)."""

    def __init__(self, resolved: ResolvedCommand, env: Optional[Mapping[str, str]] = None) -> None:
        self.resolved = resolved
        self._env = env
        self._proc: Optional[subprocess.Popen] = None
        self._writer: Optional[pa.ipc.RecordBatchStreamWriter] = None
        self._schema: Optional[pa.Schema] = None
        self._out: "queue.Queue[Tuple[str, Any]]" = queue.Queue()
        self._out_schema: Optional[pa.Schema] = None
        self._schema_ready = threading.Event()
        self._stderr: Optional[StderrTail] = None
        self._reader_thread: Optional[threading.Thread] = None
        self.processes_started = 0

    # -- process lifecycle -------------------------------------------------
    def _start(self, schema: pa.Schema) -> None:
        try:
            self._proc = subprocess.Popen(self.resolved.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(self._env))
        except OSError as e:
            raise ToolError(self.resolved.id, 127, f"recdata: cannot start {self.resolved.argv[0]}: {e.strerror or e}") from e
        self.processes_started += 1
        self._stderr = StderrTail(self._proc.stderr)
        self._out = queue.Queue()
        self._schema_ready = threading.Event()
        self._out_schema = None
        self._reader_thread = threading.Thread(target=self._read, args=(self._proc.stdout, self._out), name="recdata-reader", daemon=True)
        self._reader_thread.start()
        self._schema = schema
        self._writer = pa.ipc.new_stream(self._proc.stdin, schema)

    def _read(self, stdout: Any, out: "queue.Queue[Tuple[str, Any]]") -> None:
        try:
            reader = pa.ipc.open_stream(stdout)
            self._out_schema = reader.schema
            self._schema_ready.set()
            for batch in reader:
                out.put(("batch", batch))
            out.put(("end", None))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            out.put(("error", e))
        finally:
            self._schema_ready.set()

    def _failure(self, cause: Optional[BaseException] = None) -> BaseException:
        """The tool's error after it stopped (its exit code and message), else `cause`."""
        assert self._proc is not None and self._stderr is not None
        try:
            code = self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        self._stderr.join(5)
        proc_stderr = self._stderr
        self._discard()
        if code != 0:
            return ToolError(self.resolved.id, code, _failure_message(self.resolved, code, proc_stderr), proc_stderr.text)
        if cause is not None:
            return cause
        return ToolError(self.resolved.id, 70, f"recdata {self.resolved.id}: the tool ended before answering a batch (exit 0)")

    def _discard(self) -> None:
        self._proc = None
        self._writer = None
        self._schema = None

    def close(self) -> None:
        """Ends the stream on the tool's stdin and checks that it exits cleanly."""
        proc = self._proc
        if proc is None:
            return
        try:
            if self._writer is not None:
                self._writer.close()
            proc.stdin.close()
        except BaseException as e:  # noqa: BLE001
            if not is_broken_pipe(e):
                self.kill()
                raise
        leftover = 0
        while True:
            kind, value = self._out.get()
            if kind != "batch":
                break
            leftover += value.num_rows
        cause = value if kind == "error" else None
        if proc.wait() != 0 or cause is not None:
            raise self._failure(cause)
        self._stderr.join(5)
        self._discard()
        if leftover:
            raise ToolError(self.resolved.id, 70, f"recdata {self.resolved.id}: wrote {leftover} rows more than it read")

    def kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._discard()

    # -- one batch -----------------------------------------------------------
    def __call__(self, data: Union[pa.Table, pa.RecordBatch]) -> pa.Table:
        schema = data.schema
        if self._proc is not None and not schema.equals(self._schema, check_metadata=True):
            self.close()
        if self._proc is None:
            self._start(schema)
        batches = data.to_batches() if isinstance(data, pa.Table) else [data]
        want = data.num_rows
        if not batches:
            # Nothing to wait for but the output's schema, which comes with a first batch.
            batches = [pa.RecordBatch.from_pylist([], schema=schema)]
        try:
            for b in batches:
                self._writer.write_batch(b)
            self._proc.stdin.flush()
        except BaseException as e:  # noqa: BLE001
            if is_broken_pipe(e):
                raise self._failure(e) from None
            self.kill()
            raise
        if want == 0:
            self._schema_ready.wait()
            if self._out_schema is None:
                raise self._failure()
            return pa.Table.from_batches([], schema=self._out_schema)
        got: List[pa.RecordBatch] = []
        rows = 0
        while rows < want:
            kind, value = self._out.get()
            if kind == "batch":
                if value.num_rows:
                    got.append(value)
                    rows += value.num_rows
            elif kind == "error":
                raise self._failure(value)
            else:
                raise self._failure()
        if rows > want:
            self.kill()
            raise ToolError(self.resolved.id, 70, f"recdata {self.resolved.id}: answered a batch of {want} rows with {rows}: it does not keep one row per row, run it with mode='batch'")
        return pa.Table.from_batches(got, schema=self._out_schema)

    def __del__(self) -> None:
        try:
            self.kill()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
