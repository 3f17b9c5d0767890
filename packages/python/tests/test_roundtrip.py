"""pyarrow <-> recdata, per command: pyarrow writes what recdata reads and reads what recdata writes.

pyarrow is the independent implementation: every column a tool passes through
must come back equal (type included), and computed columns are checked against
independent references (Python's xxhash for the hash spec).
"""
from __future__ import annotations

import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import recdata
from conftest import no_recdata_metadata, requires_cli, typed_table

pytestmark = requires_cli
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return typed_table()


def assert_columns_equal(out: pa.Table, expected: pa.Table, names):
    for name in names:
        got, want = out.column(name), expected.column(name)
        assert got.type == want.type, f"{name}: {got.type} != {want.type}"
        assert got.combine_chunks().equals(want.combine_chunks()), name


def test_cat_round_trip_keeps_every_type_and_value(table):
    out = recdata.run("cat", table)
    assert out.schema.remove_metadata().equals(table.schema.remove_metadata())
    assert_columns_equal(out, table, table.column_names)
    # recdata says how the stream was made
    assert out.schema.metadata[b"recdata.command"] == b"cat"


def test_cat_select_and_validate(table):
    out = recdata.run(["cat", "--select", "title,ts,embedding", "--validate"], table)
    assert out.column_names == ["title", "ts", "embedding"]
    assert_columns_equal(out, table, out.column_names)


def test_many_small_batches_and_an_iterator_of_batches(table):
    batches = table.to_batches(max_chunksize=97)
    out = recdata.run("cat", iter(batches))
    assert out.num_rows == table.num_rows
    assert_columns_equal(out, table, table.column_names)


def test_reader_input_and_stream_output(table):
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=500))
    with recdata.run("cat", reader, stream=True) as s:
        assert s.schema.field("ts").type == pa.timestamp("ms", tz="Europe/Paris")
        got = list(s)
    assert sum(b.num_rows for b in got) == table.num_rows
    assert pa.Table.from_batches(got).column("tags").combine_chunks().equals(table.column("tags").combine_chunks())


def test_empty_table_gives_an_empty_stream_with_the_schema(table):
    out = recdata.run("cat", table.slice(0, 0))
    assert out.num_rows == 0
    assert out.schema.remove_metadata().equals(table.schema.remove_metadata())


def _xxh64_le(values, fmt: str, seed: int):
    import xxhash

    return [None if v is None else xxhash.xxh64_intdigest(struct.pack(fmt, v), seed=seed) for v in values]


def test_dpu_hash_passes_every_type_through_and_matches_python_xxhash(table):
    xxhash = pytest.importorskip("xxhash", reason="xxhash is not installed (python3 -m pip install --retries 0 --timeout 3 xxhash)")
    seed = 7
    out = recdata.run(f"dpu-hash --cols item_id,title,action,tags,ts --seed {seed}", table)
    assert_columns_equal(out, table, table.column_names)
    assert out.column("item_id_hash").to_pylist() == _xxh64_le(table.column("item_id").to_pylist(), "<Q", seed)
    titles = table.column("title").to_pylist()
    assert out.column("title_hash").to_pylist() == [None if t is None else xxhash.xxh64_intdigest(t.encode(), seed=seed) for t in titles]
    # a dictionary column hashes as its values
    actions = table.column("action").cast(pa.string()).to_pylist()
    assert out.column("action_hash").to_pylist() == [None if a is None else xxhash.xxh64_intdigest(a.encode(), seed=seed) for a in actions]
    # lists hash element by element, keeping shape and nulls
    tags = table.column("tags").to_pylist()
    want = [None if l is None else [xxhash.xxh64_intdigest(e.encode(), seed=seed) for e in l] for l in tags]
    assert out.column("tags_hash").to_pylist() == want
    # timestamps hash their int64 storage; the zone is not hashed
    ts = pc.cast(table.column("ts"), pa.int64()).to_pylist()
    assert out.column("ts_hash").to_pylist() == _xxh64_le(ts, "<q", seed)


def test_dpu_hash_buckets(table):
    pytest.importorskip("xxhash", reason="xxhash is not installed")
    out = recdata.run(["dpu-hash", "--cols", "item_id", "--buckets", "1000", "--seed", "3"], table)
    want = [None if h is None else h % 1000 for h in _xxh64_le(table.column("item_id").to_pylist(), "<Q", 3)]
    assert out.column("item_id_bucket").type == pa.int64()
    assert out.column("item_id_bucket").to_pylist() == want


def _seq_columns(table: pa.Table) -> pa.Table:
    # seq-encode takes ints, floats, timestamps, utf8 and dictionaries (docs/seq-format.md)
    return table.select(["user_id", "item_id", "ts", "action", "duration_ms", "score"]).append_column("title", pc.cast(table.column("title"), pa.string()))


def test_seq_encode_then_decode_gives_the_events_back_grouped_by_user(table):
    events = _seq_columns(table)
    encoded = recdata.run("seq-encode", events)
    assert encoded.column_names == ["user_id", "partition_start", "n_events", "ts_first", "ts_last", "payload"]
    assert encoded.column("ts_first").type == pa.timestamp("ms", tz="Europe/Paris")
    assert sum(encoded.column("n_events").to_pylist()) == events.num_rows
    decoded = recdata.run("seq-decode", encoded)
    want = events.sort_by([("user_id", "ascending"), ("ts", "ascending")])
    assert decoded.schema.remove_metadata().equals(events.schema.remove_metadata())
    assert_columns_equal(decoded, want, events.column_names)


def test_seq_decode_lists_is_readable_by_pyarrow(table):
    events = _seq_columns(table)
    lists = recdata.run("seq-decode --format lists", recdata.run("seq-encode", events))
    assert pa.types.is_list(lists.schema.field("item_id").type) or pa.types.is_large_list(lists.schema.field("item_id").type)
    users = events.group_by("user_id").aggregate([("item_id", "count", pc.CountOptions(mode="all"))])
    assert lists.num_rows == users.num_rows
    per_user = dict(zip(lists.column("user_id").to_pylist(), (len(v) for v in lists.column("item_id").to_pylist())))
    assert per_user == dict(zip(users.column("user_id").to_pylist(), users.column("item_id_count").to_pylist()))


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, events):
    path = tmp_path_factory.mktemp("featurize") / "fitted.json"
    recdata.run_text(["gpu-featurize", "fit", "--spec", str(HERE / "features.yaml"), "-o", str(path)], events)
    return path


def test_gpu_featurize_transform_columns_and_tensors(events, fitted):
    cols = recdata.run(["gpu-featurize", "transform", "--spec", str(fitted), "--keep", "user_id,ts,action"], events)
    assert_columns_equal(cols, events, ["user_id", "ts", "action"])
    assert cols.column("duration_z").type == pa.float32()
    assert cols.column("item_code").type == pa.int64()
    tensors = recdata.run(["gpu-featurize", "transform", "--spec", str(fitted), "--layout", "tensor"], events)
    dense = tensors.column("dense").combine_chunks()
    assert pa.types.is_fixed_size_list(dense.type) and dense.type.value_type == pa.float32()
    assert tensors.num_rows == events.num_rows
    # the tensor's first dense feature is the column layout's first dense feature
    assert pc.list_element(dense, 0).to_pylist() == cols.column("duration_z").to_pylist()


def test_output_schema_is_the_schema_of_a_real_run(table):
    cmd = "dpu-hash --cols item_id,tags --buckets 100"
    schema = recdata.output_schema(cmd, table.schema)
    assert schema.equals(recdata.run(cmd, table).schema, check_metadata=True)


def test_scan_returns_the_json_report(events, tmp_path):
    checks = tmp_path / "checks.yaml"
    checks.write_text("checks:\n  - { id: some, kind: row_count, min: 1 }\n  - { id: users, kind: not_null, column: user_id }\n")
    report = recdata.scan(events, checks=str(checks), now="2026-11-09T00:00:00Z")
    assert set(report) >= {"summary", "checks", "input"}
    assert len(report["checks"]) >= 2
    assert all(c["status"] == "pass" for c in report["checks"]), report["checks"]
