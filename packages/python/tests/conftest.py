"""Shared fixtures: the built CLI, typed test tables, and one local Ray cluster per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import recdata

ROOT = Path(__file__).resolve().parents[3]
RUN_JS = ROOT / "packages" / "cli" / "bin" / "run.js"


def _cli_problem() -> str:
    if shutil.which("node") is None and not os.environ.get(recdata.NODE_ENV):
        return "node is not on PATH"
    if not (ROOT / "packages" / "cli" / "oclif.manifest.json").is_file():
        return "the CLI is not built (run node scripts/bootstrap.mjs)"
    return ""


CLI_PROBLEM = _cli_problem()
requires_cli = pytest.mark.skipif(bool(CLI_PROBLEM), reason=CLI_PROBLEM or "-")


def typed_table(n: int = 3000, users: int = 40, seed: int = 11) -> pa.Table:
    """Events with every type the tools take: dictionaries, large_utf8, a zoned timestamp, lists, fixed-size lists, nulls."""
    rng = np.random.default_rng(seed)
    user = rng.integers(1, users + 1, n).astype(np.uint64)
    # Distinct times (a strictly increasing ms clock, shuffled across users): no ties within a user.
    ts = (1_793_491_200_000 + np.arange(n, dtype=np.int64) * 7)
    item_nulls = rng.random(n) < 0.05
    items = pa.array(rng.integers(0, 5000, n).astype(np.uint64), pa.uint64(), mask=item_nulls)
    actions = np.array(["click", "view", "buy", "skip"])[rng.integers(0, 4, n)]
    action = pa.array(actions.tolist(), pa.string(), mask=rng.random(n) < 0.02).dictionary_encode()
    titles = [None if rng.random() < 0.1 else f"title {i % 97} ü" for i in range(n)]
    tags = [None if i % 13 == 0 else [f"t{(i + k) % 7}" for k in range(i % 4)] for i in range(n)]
    emb = pa.FixedSizeListArray.from_arrays(pa.array(rng.standard_normal(n * 4).astype(np.float32)), 4)
    score = pa.array(rng.standard_normal(n), pa.float64(), mask=rng.random(n) < 0.05)
    return pa.table(
        {
            "user_id": pa.array(user, pa.uint64()),
            "item_id": items,
            "ts": pa.array(ts, pa.timestamp("ms", tz="Europe/Paris")),
            "action": action,
            "duration_ms": pa.array(rng.integers(0, 60000, n).astype(np.uint32), pa.uint32()),
            "title": pa.array(titles, pa.large_utf8()),
            "tags": pa.array(tags, pa.list_(pa.string())),
            "embedding": emb,
            "score": score,
        }
    )


def no_recdata_metadata(t: pa.Table) -> pa.Table:
    return t.replace_schema_metadata(None)


@pytest.fixture(scope="session")
def events() -> pa.Table:
    """recdata's own generator (uint64 ids, ms timestamps, dictionary columns), read by pyarrow."""
    if CLI_PROBLEM:
        pytest.skip(CLI_PROBLEM)
    return recdata.run("gen events --events 20000 --users 300 --seed 5")


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster for every Ray test (starting one takes seconds)."""
    ray = pytest.importorskip("ray", reason="ray is not installed (python3 -m pip install --retries 0 --timeout 3 'ray[data]')")
    pytest.importorskip("ray.data")
    if CLI_PROBLEM:
        pytest.skip(CLI_PROBLEM)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = True
    yield ray
    ray.shutdown()
