"""The Python/Ray half of scripts/bench/python.bench.ts (run by it with the .venv python).

On a local Ray cluster (ray.init(num_cpus=2)), over N events in a Ray dataset of B blocks:
  hash:  recdata.ray.pipe(ds, "dpu-hash --cols item_id") (every column through the tool, and
         with columns=["item_id"]: only that one) against the same XXH64 in Python
         inside map_batches (the xxhash package, per value; numpy and pyarrow have no
         vectorised XXH64, so the values go to it as 8-byte buffer slices, with no
         Python int in between); both give the same uint64 column, checked on a block.
  worker: the same per-block work without Ray, on one core, after the first block (steady
         state): one long-lived dpu-hash process answering block after block (what each
         pipe actor runs) against the Python function the peer runs in map_batches.
  pipe:  recdata.ray.pipe(ds, "cat") against map_batches(lambda b: b): the cost of
         sending every batch through a tool process and back.
Each pipeline is consumed by iterating its output (nothing kept), timed alternately
`repeat` times from an idle cluster (the previous pipeline's actors gone), medians reported. Prints one JSON object on stdout.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def xxh64_column(batch: pa.Table) -> pa.Table:
    import xxhash

    h = xxhash.xxh64_intdigest
    col = batch.column("item_id").combine_chunks()
    values = col.fill_null(0).to_numpy(zero_copy_only=False).astype("<u8", copy=False)
    mv = memoryview(values.tobytes())
    hashes = np.fromiter((h(mv[i : i + 8]) for i in range(0, 8 * len(values), 8)), dtype=np.uint64, count=len(values))
    mask = pc.is_null(col).to_numpy(zero_copy_only=False) if col.null_count else None
    return batch.append_column("item_id_hash", pa.array(hashes, pa.uint64(), mask=mask))


def identity(batch: pa.Table) -> pa.Table:
    return batch


def consume(ds) -> int:
    rows = 0
    for b in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        rows += b.num_rows
    return rows


def wait_idle() -> None:
    """Waits (untimed) until the previous pipeline's actors have given their CPUs back."""
    import gc

    import ray

    gc.collect()
    total = ray.cluster_resources().get("CPU", 0)
    deadline = time.monotonic() + 60
    while ray.available_resources().get("CPU", 0) < total and time.monotonic() < deadline:
        time.sleep(0.1)


def timed(make, expect_rows: int) -> float:
    wait_idle()
    start = time.perf_counter()
    rows = consume(make())
    seconds = time.perf_counter() - start
    if rows != expect_rows:
        raise SystemExit(f"python bench: expected {expect_rows} rows, got {rows}")
    return seconds


def pair(a, b, rows: int, repeat: int):
    ra, rb = [], []
    for i in range(repeat):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        t1 = timed(first, rows)
        t2 = timed(second, rows)
        (ra if first is a else rb).append(t1)
        (rb if first is a else ra).append(t2)
    return statistics.median(ra), statistics.median(rb), ra, rb


def steady_state(cmd: str, blocks) -> dict:
    """Rows per second after the first block: one tool process (all columns, then only item_id) and the Python peer."""
    from recdata._cli import resolve
    from recdata._worker import PersistentTool

    def tool_rate(columns) -> float:
        tool = PersistentTool(resolve(cmd))
        try:
            tool(blocks[0] if columns is None else blocks[0].select(columns))
            start = time.perf_counter()
            for b in blocks[1:]:
                tool(b if columns is None else b.select(columns))
            return sum(b.num_rows for b in blocks[1:]) / (time.perf_counter() - start)
        finally:
            tool.close()

    def python_rate() -> float:
        xxh64_column(blocks[0])
        start = time.perf_counter()
        for b in blocks[1:]:
            xxh64_column(b)
        return sum(b.num_rows for b in blocks[1:]) / (time.perf_counter() - start)

    return {"recdata_all_columns": tool_rate(None), "recdata_item_id": tool_rate(["item_id"]), "python": python_rate()}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True, help="an Arrow stream of events (recdata gen events)")
    p.add_argument("--blocks", type=int, default=20)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()

    import ray
    import ray.data
    import recdata
    import recdata.ray

    with pa.OSFile(args.input, "rb") as f:
        table = pa.ipc.open_stream(f).read_all()
    rows = table.num_rows
    step = -(-rows // args.blocks)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ds = ray.data.from_arrow([table.slice(i, step) for i in range(0, rows, step)]).materialize()
    pool = lambda: ray.data.ActorPoolStrategy(size=2)  # noqa: E731 - one tool process per actor, both cores

    cmd = "dpu-hash --cols item_id --threads 1"
    # The peer computes the same column: check it on one block first.
    block = table.slice(0, min(rows, 20000))
    ours = recdata.run(cmd, block).column("item_id_hash")
    if not ours.equals(xxh64_column(block).column("item_id_hash")):
        raise SystemExit("python bench: the Python xxhash peer and dpu-hash disagree")

    worker = steady_state(cmd, [table.slice(i, step) for i in range(0, rows, step)])

    hash_a, hash_b, ra, rb = pair(
        lambda: recdata.ray.pipe(ds, cmd, compute=pool()),
        lambda: ds.map_batches(xxh64_column, batch_format="pyarrow", batch_size=None),
        rows,
        args.repeat,
    )
    cols_a, cols_b, ca, cb = pair(
        lambda: recdata.ray.pipe(ds, cmd, columns=["item_id"], compute=pool()),
        lambda: ds.map_batches(xxh64_column, batch_format="pyarrow", batch_size=None),
        rows,
        args.repeat,
    )
    pipe_a, pipe_b, pa_runs, pb_runs = pair(
        lambda: recdata.ray.pipe(ds, "cat", compute=pool()),
        lambda: ds.map_batches(identity, batch_format="pyarrow", batch_size=None),
        rows,
        args.repeat,
    )
    ray.shutdown()
    json.dump(
        {
            "rows": rows,
            "blocks": ds.num_blocks(),
            "bytes": table.nbytes,
            "hash": {"recdata_s": hash_a, "python_s": hash_b, "recdata_runs": ra, "python_runs": rb},
            "hash_columns": {"recdata_s": cols_a, "python_s": cols_b, "recdata_runs": ca, "python_runs": cb},
            "worker": worker,
            "pipe": {"recdata_s": pipe_a, "identity_s": pipe_b, "recdata_runs": pa_runs, "identity_runs": pb_runs},
            "ray": ray.__version__,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
