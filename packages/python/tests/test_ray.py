"""recdata.ray on a local Ray cluster (ray.init(num_cpus=2), started once for the module)."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import recdata
import recdata.ray
from recdata._cli import resolve
from recdata._worker import PersistentTool, keeps_rows
from recdata.ray import ToolBatches
from conftest import requires_cli, typed_table

pytestmark = requires_cli
HERE = Path(__file__).resolve().parent
BLOCKS = 6


def blocks_of(table: pa.Table, n: int = BLOCKS):
    step = -(-table.num_rows // n)
    return [table.slice(i, step) for i in range(0, table.num_rows, step)]


def collect(ray, ds) -> pa.Table:
    tables = ray.get(ds.to_arrow_refs())
    return pa.concat_tables([t.replace_schema_metadata(None) for t in tables])


def assert_same_rows(got: pa.Table, want: pa.Table):
    assert got.column_names == want.column_names
    for name in want.column_names:
        g, w = got.column(name).combine_chunks(), want.column(name).combine_chunks()
        if pa.types.is_dictionary(w.type):
            g, w = g.cast(w.type.value_type), w.cast(w.type.value_type)
        assert g.type == w.type, name
        assert g.equals(w), name


@pytest.fixture(scope="module")
def events():
    return recdata.run("gen events --events 30000 --users 500 --seed 9")


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, events):
    path = tmp_path_factory.mktemp("ray-featurize") / "fitted.json"
    recdata.run_text(["gpu-featurize", "fit", "--spec", str(HERE / "features.yaml"), "-o", str(path)], events)
    return path


def test_one_process_answers_batch_after_batch(events):
    """The request/response contract pipe relies on: one tool, one batch in, its rows out, repeatedly."""
    cmd = "dpu-hash --cols item_id,user_id --buckets 4096"
    tool = PersistentTool(resolve(cmd))
    parts = [tool(b) for b in blocks_of(events, 7)]
    parts.insert(3, tool(events.slice(0, 0)))  # an empty batch gets an empty answer
    tool.close()
    assert tool.processes_started == 1
    assert_same_rows(pa.concat_tables([p.replace_schema_metadata(None) for p in parts]), recdata.run(cmd, events).replace_schema_metadata(None))


def test_sending_only_some_columns_gives_the_same_table(events):
    """pipe(columns=...): only those columns go through the tool; its new columns are appended."""
    args = ["--cols", "item_id,action", "--buckets", "100"]
    fn = ToolBatches(["dpu-hash", *args], "stream", None, ["item_id", "action"])
    got = pa.concat_tables([fn(b) for b in blocks_of(events, 3)])
    want = recdata.run(["dpu-hash", *args], events)
    assert_same_rows(got.replace_schema_metadata(None), want.replace_schema_metadata(None))
    assert got.schema.metadata[b"recdata.command"] == b"dpu-hash"
    with pytest.raises(ValueError, match='no column "item_id"'):
        fn(events.drop_columns(["item_id"]))
    # a tool that renames what it was sent cannot be merged back
    renames = ToolBatches(["dpu-hash", "--cols", "item_id", "--replace"], "stream", None, ["item_id"])
    with pytest.raises(ValueError, match="keeps the columns it is sent"):
        renames(events)


def test_which_commands_keep_a_process():
    assert keeps_rows(resolve("dpu-hash --cols a"))
    assert keeps_rows(resolve("gpu-featurize transform --spec f.json"))
    assert not keeps_rows(resolve("gpu-featurize transform --spec f.json --training"))
    assert not keeps_rows(resolve("cat --head 10"))
    assert not keeps_rows(resolve("seq-encode"))


def test_pipe_dpu_hash_over_blocks_equals_one_run(ray_cluster, events):
    ray = ray_cluster
    cmd = "dpu-hash --cols item_id,action --cross user_id,item_id --buckets 1000000 --seed 3"
    ds = ray.data.from_arrow(blocks_of(events))
    assert ds.num_blocks() == BLOCKS
    want = recdata.run(cmd, events).replace_schema_metadata(None)
    assert_same_rows(collect(ray, recdata.ray.pipe(ds, cmd)), want)
    assert_same_rows(collect(ray, recdata.ray.pipe(ds, cmd, columns=["item_id", "action", "user_id"])), want)


def test_pipe_gpu_featurize_transform_over_blocks_equals_one_run(ray_cluster, events, fitted):
    ray = ray_cluster
    cmd = ["gpu-featurize", "transform", "--spec", str(fitted), "--keep", "user_id"]
    ds = ray.data.from_arrow(blocks_of(events))
    got = collect(ray, recdata.ray.pipe(ds, cmd, batch_size=2000, concurrency=2))
    assert_same_rows(got, recdata.run(cmd, events).replace_schema_metadata(None))


def test_sequences_then_seq_encode_equals_one_seq_encode(ray_cluster):
    ray = ray_cluster
    # distinct times per user, so the order of each sequence is fully defined
    t = typed_table(n=20000, users=300, seed=4)
    events = t.select(["user_id", "item_id", "ts", "action", "duration_ms", "score"])
    shuffled = events.take(pc.sort_indices(pc.cast(events.column("item_id").fill_null(0), pa.int64())))  # rows in no user order
    ds = ray.data.from_arrow(blocks_of(shuffled))
    out = recdata.ray.sequences(ds, key="user_id", cmd="seq-encode --presorted")
    per_block = ray.get(out.to_arrow_refs())
    one = recdata.run("seq-encode", events)
    # the same sequences: one row per user with the same counts and bounds
    rows = pa.concat_tables([b.replace_schema_metadata(None) for b in per_block]).sort_by("user_id")
    for name in ("user_id", "n_events", "ts_first", "ts_last"):
        assert rows.column(name).combine_chunks().equals(one.column(name).combine_chunks()), name
    # every block is a seq stream of its own (its header travels in its metadata), decoding to the same events
    decoded = pa.concat_tables([recdata.run("seq-decode", b).replace_schema_metadata(None) for b in per_block if b.num_rows])
    want = recdata.run("seq-decode", one).replace_schema_metadata(None)
    assert_same_rows(decoded.sort_by([("user_id", "ascending"), ("ts", "ascending")]), want)


def test_a_failing_tool_fails_the_ray_job_with_its_message(ray_cluster, events):
    ray = ray_cluster
    ds = ray.data.from_arrow(blocks_of(events, 2))
    with pytest.raises(Exception) as info:
        recdata.ray.pipe(ds, "dpu-hash --cols nosuch").materialize()
    # Ray re-raises the worker's exception as its own (RayTaskError/UserCodeException) and
    # keeps the ToolError as text: the tool's one-line message and exit code are in it.
    text = str(info.value)
    assert 'recdata dpu-hash: missing column "nosuch"' in text
    assert "(exit 65)" in text


def test_pipe_checks_the_command_before_ray_runs_anything(ray_cluster, events):
    ds = ray_cluster.data.from_arrow(events)
    with pytest.raises(recdata.UnknownCommandError):
        recdata.ray.pipe(ds, "dpu-hsah --cols item_id")
    with pytest.raises(ValueError, match="mode"):
        recdata.ray.pipe(ds, "seq-encode", mode="stream")
    with pytest.raises(ValueError, match="no column"):
        recdata.ray.sequences(ds, key="uid")
    with pytest.raises(ValueError, match="row transform"):
        recdata.ray.pipe(ds, "seq-encode", columns=["user_id"])
