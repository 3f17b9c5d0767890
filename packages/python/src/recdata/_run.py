"""Running one recdata tool over Arrow data: the process, its three pipes, its failure.

The input goes to the tool's stdin on a feeder thread while this thread reads its
stdout, so neither pipe can fill up and block the other side (the deadlock of
writing everything before reading anything). stderr is drained on a third thread,
keeping its last lines for the error message. Batches stream through: the input is
written batch by batch from the caller's table or iterator, never copied first.
"""
from __future__ import annotations

import collections
import errno
import os
import subprocess
import threading
from typing import Any, Deque, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

import pyarrow as pa

from ._cli import Command, ResolvedCommand, resolve
from ._errors import EXIT_CODES, ToolError

ArrowData = Union[pa.Table, pa.RecordBatch, pa.RecordBatchReader, Iterable[pa.RecordBatch], Any]


def input_batches(data: ArrowData) -> Tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The schema and batches of whatever Arrow data the caller has, without copying it."""
    if isinstance(data, pa.Table):
        return data.schema, iter(data.to_batches())
    if isinstance(data, pa.RecordBatch):
        return data.schema, iter([data])
    if isinstance(data, pa.RecordBatchReader):
        return data.schema, iter(data)
    if hasattr(data, "__arrow_c_stream__"):
        reader = pa.RecordBatchReader.from_stream(data)
        return reader.schema, iter(reader)
    if isinstance(data, (str, bytes, os.PathLike)):
        raise TypeError("give the data as a pyarrow Table, RecordBatch, RecordBatchReader or an iterable of RecordBatches; to read a file, pass its path in the command")
    try:
        it = iter(data)
    except TypeError:
        raise TypeError(f"expected a pyarrow Table, RecordBatch, RecordBatchReader or an iterable of RecordBatches, got {type(data).__name__}") from None
    first = next(it, None)
    if first is None:
        raise ValueError("an iterable without batches has no schema: pass a pyarrow Table (it may have no rows) or a RecordBatchReader")
    if isinstance(first, pa.Table):
        first_batches = first.to_batches()
        rest = (b for t in it for b in (t.to_batches() if isinstance(t, pa.Table) else [t]))
        return first.schema, _chain(first_batches, rest)
    if not isinstance(first, pa.RecordBatch):
        raise TypeError(f"expected pyarrow RecordBatches, got {type(first).__name__}")
    return first.schema, _chain([first], it)


def _chain(head: List[pa.RecordBatch], rest: Iterator[Any]) -> Iterator[pa.RecordBatch]:
    yield from head
    yield from rest


def is_broken_pipe(e: BaseException) -> bool:
    if isinstance(e, BrokenPipeError):
        return True
    if isinstance(e, OSError) and e.errno in (errno.EPIPE, errno.ECONNRESET):
        return True
    return "Broken pipe" in str(e)


class StderrTail:
    """Drains a tool's stderr on a thread and keeps its last lines."""

    def __init__(self, pipe: Any, keep: int = 200) -> None:
        self._lines: Deque[str] = collections.deque(maxlen=keep)
        self._thread = threading.Thread(target=self._drain, args=(pipe,), name="recdata-stderr", daemon=True)
        self._thread.start()

    def _drain(self, pipe: Any) -> None:
        try:
            for raw in iter(pipe.readline, b""):
                self._lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
        except (OSError, ValueError):
            pass
        finally:
            try:
                pipe.close()
            except OSError:
                pass

    def join(self, timeout: Optional[float] = None) -> None:
        self._thread.join(timeout)

    @property
    def text(self) -> str:
        return "\n".join(self._lines)

    def message(self, words: str) -> str:
        """The tool's one-line error: the last line that starts with "recdata "."""
        lines = [l for l in self._lines if l.strip()]
        for line in reversed(lines):
            if line.startswith("recdata "):
                return line
        return lines[-1].strip() if lines else ""


def _failure_message(resolved: ResolvedCommand, code: int, tail: StderrTail) -> str:
    message = tail.message(resolved.id)
    if message:
        return message
    if code < 0:
        return f"recdata {resolved.id}: terminated by signal {-code}"
    return f"recdata {resolved.id}: exit {code} ({EXIT_CODES.get(code, 'failed')}) with nothing on stderr"


def child_env(env: Optional[Mapping[str, str]]) -> dict:
    out = dict(os.environ)
    out.setdefault("OCLIF_SKIP_UPDATE_CHECK", "1")
    if env:
        out.update(env)
    return out


class ToolProcess:
    """One tool process: feeder thread on stdin, stderr drained, stdout left to the caller."""

    def __init__(self, resolved: ResolvedCommand, data: Optional[ArrowData], env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None) -> None:
        self.resolved = resolved
        schema_batches = input_batches(data) if data is not None else None
        try:
            self.proc = subprocess.Popen(
                resolved.argv,
                stdin=subprocess.PIPE if schema_batches is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=child_env(env),
                cwd=cwd,
            )
        except OSError as e:
            raise ToolError(resolved.id, 127, f"recdata: cannot start {resolved.argv[0]}: {e.strerror or e}") from e
        self.stderr = StderrTail(self.proc.stderr)
        self.feed_error: Optional[BaseException] = None
        self._feeder: Optional[threading.Thread] = None
        if schema_batches is not None:
            self._feeder = threading.Thread(target=self._feed, args=schema_batches, name="recdata-feeder", daemon=True)
            self._feeder.start()

    @property
    def stdout(self) -> Any:
        return self.proc.stdout

    def _feed(self, schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> None:
        stdin = self.proc.stdin
        try:
            with pa.ipc.new_stream(stdin, schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)
        except BaseException as e:  # noqa: BLE001 - reported by finish()
            # The tool stopped reading (it failed, or it needs only the schema):
            # its exit status says which.
            if not is_broken_pipe(e):
                self.feed_error = e
                self.kill()
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass

    def finish(self, cause: Optional[BaseException] = None) -> None:
        """Waits for the tool and raises its failure (or the feeder's) if there was one."""
        if self._feeder is not None:
            if cause is not None and self.proc.poll() is None:
                # The output could not be read: the tool must not wait on a full pipe.
                self.kill()
            self._feeder.join()
        if self.proc.stdout is not None:
            try:
                self.proc.stdout.close()
            except OSError:
                pass
        code = self.proc.wait()
        self.stderr.join()
        if self.feed_error is not None:
            raise self.feed_error
        if code != 0:
            raise ToolError(self.resolved.id, code, _failure_message(self.resolved, code, self.stderr), self.stderr.text) from cause
        if cause is not None:
            raise cause

    def close(self) -> None:
        """Stops early: the tool sees a closed stdout (a quiet exit, as for `| head`), else it is killed."""
        if self.proc.stdout is not None:
            try:
                self.proc.stdout.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait()
        if self._feeder is not None:
            self._feeder.join()
        self.stderr.join()


def _writes_to_file(resolved: ResolvedCommand) -> bool:
    return any(a in ("-o", "--output") or a.startswith("--output=") or (a.startswith("-o") and len(a) > 2) for a in resolved.args)


class ToolStream:
    """The output of a tool as it comes: an iterator of RecordBatches with a schema.

    Iterating to the end waits for the tool and raises ToolError if it failed;
    ``close()`` (or leaving a ``with`` block) stops it early.
    """

    def __init__(self, tool: ToolProcess) -> None:
        self._tool = tool
        self._done = False
        try:
            self._reader = pa.ipc.open_stream(tool.stdout)
        except BaseException as e:
            self._done = True
            tool.finish(cause=_no_stream(tool.resolved, e))
            raise  # finish() raised, unless the tool succeeded without a stream (it did not)

    @property
    def schema(self) -> pa.Schema:
        return self._reader.schema

    def __iter__(self) -> "ToolStream":
        return self

    def __next__(self) -> pa.RecordBatch:
        if self._done:
            raise StopIteration
        try:
            return self._reader.read_next_batch()
        except StopIteration:
            self._done = True
            self._tool.finish()
            raise
        except BaseException as e:
            self._done = True
            self._tool.finish(cause=e)
            raise

    def read_all(self) -> pa.Table:
        batches = list(self)
        return pa.Table.from_batches(batches, schema=self.schema)

    def close(self) -> None:
        if not self._done:
            self._done = True
            self._tool.close()

    def __enter__(self) -> "ToolStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _no_stream(resolved: ResolvedCommand, e: BaseException) -> BaseException:
    return ToolError(resolved.id, 0, f"recdata {resolved.id}: its output is not an Arrow stream ({e}); for a text report use recdata.run_text")


def run(cmd: Command, data: Optional[ArrowData] = None, *, stream: bool = False, env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None) -> Any:
    """Runs a recdata tool over Arrow data and returns its output.

    ``cmd`` is a command line (``"dpu-hash --cols item_id"``) or a list of words;
    ``data`` a pyarrow Table, RecordBatch, RecordBatchReader, an iterable of
    RecordBatches or anything with ``__arrow_c_stream__`` (None: nothing on stdin).
    Returns a pyarrow Table, or with ``stream=True`` a ToolStream of RecordBatches.
    A failing tool raises ToolError with its exit code and one-line message; a
    command the CLI does not know raises UnknownCommandError before anything starts.
    With ``-o FILE`` in the command, the tool writes the file and None is returned.
    """
    resolved = resolve(cmd)
    tool = ToolProcess(resolved, data, env=env, cwd=cwd)
    if _writes_to_file(resolved):
        _drain(tool.stdout)
        tool.finish()
        return None
    out = ToolStream(tool)
    if stream:
        return out
    return out.read_all()


def _drain(pipe: Any) -> None:
    while pipe.read(1 << 16):
        pass


def run_text(cmd: Command, data: Optional[ArrowData] = None, *, ok: Iterable[int] = (0,), env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None) -> str:
    """Runs a tool whose output is text (reports, diffs, --help) and returns it.

    Exit codes in ``ok`` count as success (``ok=(0, 1)`` keeps a failed gate's report).
    """
    resolved = resolve(cmd)
    tool = ToolProcess(resolved, data, env=env, cwd=cwd)
    out = tool.stdout.read()
    try:
        tool.finish()
    except ToolError as e:
        if e.exit_code not in tuple(ok):
            e.stdout = out.decode("utf-8", "replace")
            raise
    return out.decode("utf-8")


def output_schema(cmd: Command, schema: pa.Schema, *, env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None) -> pa.Schema:
    """The schema a transform writes for input of this schema, without any rows (its --print-schema)."""
    resolved = resolve(cmd)
    if resolved.cli.commands is not None and not resolved.has_flag("print-schema"):
        raise ToolError(resolved.id, 2, f"recdata {resolved.id}: has no --print-schema (its output is not a stream of the input's rows)")
    words = [*resolved.words, *resolved.args, "--print-schema"]
    return run(words, pa.Table.from_batches([], schema=schema), env=env, cwd=cwd).schema
