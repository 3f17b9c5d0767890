"""recdata tools inside Ray Data: ``pipe`` (per batch) and ``sequences`` (per user).

    import ray, recdata.ray
    ds = recdata.ray.pipe(ds, "dpu-hash --cols item_id --buckets 1000000")
    ds = recdata.ray.pipe(ds, "gpu-featurize transform --spec fitted.json", num_gpus=1)
    ds = recdata.ray.sequences(ds, key="user_id", cmd="seq-encode --presorted")

``pipe`` is ``Dataset.map_batches(batch_format="pyarrow")`` with a callable class:
each Ray actor keeps one tool process for its whole life when the command is a
row transform (dpu-hash, cat, schema-migrate apply, gpu-featurize transform:
one output row per input row, batch by batch), writing a batch and reading back
its rows (request/response); any other command gets one process per batch,
because its output depends on the whole batch (seq-encode, quality-scan ...).

``sequences`` brings each key's rows together before the tool runs: Ray's sort
range-partitions the rows by key (a key's rows all land in one block), and each
block, sorted by key and time, goes through one tool process.

The command is checked against the CLI on the driver, before Ray schedules
anything; a tool that fails raises ToolError in the worker, which fails the job
with the tool's exit code and one-line message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pyarrow as pa

from ._cli import Command, resolve, split_command
from ._errors import ToolError
from ._run import run
from ._worker import PersistentTool, keeps_rows

_MODES = ("auto", "stream", "batch")


def _check_mode(mode: str) -> None:
    if mode not in _MODES:
        raise ValueError(f"expected one of {', '.join(_MODES)} for mode, got {mode!r}")


class ToolBatches:
    """The callable class Ray instantiates once per actor: one tool, batch after batch.

    ``mode="stream"`` keeps one process for every batch (request/response);
    ``mode="batch"`` starts one process per batch.
    """

    def __init__(self, words: List[str], mode: str, env: Optional[Mapping[str, str]] = None, columns: Optional[Sequence[str]] = None) -> None:
        self._words = list(words)
        self._env = dict(env) if env else None
        self._columns = list(columns) if columns is not None else None
        # Resolved again in the worker: the CLI is found on the worker's machine.
        resolved = resolve(self._words)
        self._tool = PersistentTool(resolved, self._env) if mode == "stream" else None

    def __call__(self, batch: pa.Table) -> pa.Table:
        if self._columns is not None:
            missing = [c for c in self._columns if batch.schema.get_field_index(c) < 0]
            if missing:
                raise ValueError(f'pipe(columns=...): the batch has no column "{missing[0]}"; it has: {", ".join(batch.column_names)}')
            out = self._tool(batch.select(self._columns))
            dropped = [c for c in self._columns if out.schema.get_field_index(c) < 0]
            if dropped:
                raise ValueError(f'pipe(columns=...): the tool\'s output has no column "{dropped[0]}"; columns= needs a tool that keeps the columns it is sent (not, e.g., dpu-hash --replace)')
            return _merge(batch, out)
        if self._tool is not None:
            return self._tool(batch)
        return run(self._words, batch, env=self._env)

    def __del__(self) -> None:
        tool = getattr(self, "_tool", None)
        if tool is not None:
            try:
                tool.close()
            except Exception:  # noqa: BLE001 - the actor is going away; the batches were answered
                tool.kill()


def _merge(batch: pa.Table, out: pa.Table) -> pa.Table:
    """The batch with the tool's output columns: same name replaces, new ones are appended (same rows, in order)."""
    for i, name in enumerate(out.column_names):
        column = out.column(i)
        j = batch.schema.get_field_index(name)
        batch = batch.set_column(j, out.schema.field(i), column) if j >= 0 else batch.append_column(out.schema.field(i), column)
    return batch.replace_schema_metadata(out.schema.metadata)


def pipe(ds: Any, cmd: Command, *, mode: str = "auto", columns: Optional[Sequence[str]] = None, batch_size: Union[int, None, str] = None, env: Optional[Mapping[str, str]] = None, **ray_kwargs: Any) -> Any:
    """Runs a recdata tool over every batch of a Ray Dataset; returns the new (lazy) Dataset.

    ``mode``: "auto" keeps one process per actor for row transforms and starts one
    per batch otherwise; "stream" or "batch" force either. ``batch_size`` is passed
    to map_batches (default None: one call per block, which is what whole-group
    commands need). Other keyword arguments (``num_cpus``, ``num_gpus``,
    ``concurrency``, ``compute``, ``memory``, ...) go to ``map_batches`` unchanged.
    """
    _check_mode(mode)
    resolved = resolve(cmd)  # an unknown command fails here, before Ray starts anything
    if mode == "auto":
        mode = "stream" if keeps_rows(resolved) else "batch"
    elif mode == "stream" and resolved.cli.commands is not None and not keeps_rows(resolved):
        raise ValueError(f'"{resolved.id}" does not give one output row per input row, batch by batch: it cannot run with mode="stream"')
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns) or not columns:
            raise TypeError(f"expected a list of column names for columns, got {columns!r}")
        if mode != "stream":
            raise ValueError(f'columns= needs a row transform (one output row per input row): "{resolved.id}" is not one')
    words = [*resolved.words, *resolved.args]
    return ds.map_batches(
        ToolBatches,
        fn_constructor_kwargs={"words": words, "mode": mode, "env": dict(env) if env else None, "columns": list(columns) if columns is not None else None},
        batch_format="pyarrow",
        batch_size=batch_size,
        zero_copy_batch=True,
        **ray_kwargs,
    )


class SortedBlocks:
    """The function of ``sequences``: a block's rows, sorted by key and time, through one tool process.

    One process per block, and so one output stream per block: a whole-group tool's
    output may carry per-stream metadata (seq-encode's header and tables), which
    must stay with its own rows. (map_groups is not used for this reason: it calls
    the function once per group and Ray concatenates the outputs of one block, which
    would keep only the first stream's metadata.)
    """

    def __init__(self, words: List[str], key: str, ts: Optional[str], env: Optional[Dict[str, str]]) -> None:
        self._words = words
        self._order = [(key, "ascending")] + ([(ts, "ascending")] if ts else [])
        self._env = env

    def __call__(self, block: pa.Table) -> pa.Table:
        # Arrow's sort is stable: rows with the same key and time keep the order they came in.
        return run(self._words, block.sort_by(self._order), env=self._env)


def sequences(ds: Any, key: str = "user_id", cmd: Command = "seq-encode", *, ts: Optional[str] = "ts", partitions: Optional[int] = None, env: Optional[Mapping[str, str]] = None, **ray_kwargs: Any) -> Any:
    """Brings each key's rows together (all in one block, ordered by ``ts``), then runs ``cmd`` once per block.

    Ray's sort range-partitions the rows by ``key``, so a key's rows are all in one
    block; each block is then sorted by key and ``ts`` (stable) and piped through one
    tool process, whose output is one output block with its own metadata.
    ``partitions``: how many blocks to spread the keys over (default: as many as the
    dataset has). ``ts=None`` keeps each key's rows in arrival order; rows with equal
    ``ts`` keep their arrival order, which Ray does not define across blocks.
    Other keyword arguments go to ``map_batches`` (``num_cpus``, ``memory``, ...).
    """
    resolved = resolve(cmd)  # an unknown command fails here, before Ray starts anything
    names = ds.schema().names
    for column, what in ((key, "key"), (ts, "ts")):
        if column is not None and column not in names:
            raise ValueError(f'the dataset has no column "{column}" (the {what}); it has: {", ".join(names)}')
    if partitions is not None:
        if not isinstance(partitions, int) or partitions < 1:
            raise ValueError(f"expected a positive integer for partitions, got {partitions!r}")
        ds = ds.repartition(partitions)
    words = [*resolved.words, *resolved.args]
    return ds.sort(key).map_batches(
        SortedBlocks,
        fn_constructor_kwargs={"words": words, "key": key, "ts": ts, "env": dict(env) if env else None},
        batch_format="pyarrow",
        batch_size=None,
        **ray_kwargs,
    )


__all__ = ["pipe", "sequences", "ToolBatches", "SortedBlocks", "ToolError"]
