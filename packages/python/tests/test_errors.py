"""Failures from Python: the tool's exit code and one-line message; unknown commands before any process starts."""
from __future__ import annotations

import pickle
import subprocess

import pyarrow as pa
import pytest

import recdata
from recdata import _cli
from conftest import RUN_JS, requires_cli, typed_table

pytestmark = requires_cli


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return typed_table(n=500)


def direct(args, table):
    """The same command run straight through node, for its exit code and stderr."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return subprocess.run(["node", str(RUN_JS), *args], input=sink.getvalue().to_pybytes(), capture_output=True)


def test_a_missing_column_raises_with_exit_65_and_the_tools_message(table):
    with pytest.raises(recdata.ToolError) as info:
        recdata.run("dpu-hash --cols nosuch", table)
    e = info.value
    ref = direct(["dpu-hash", "--cols", "nosuch"], table)
    assert e.exit_code == ref.returncode == 65
    assert e.message == ref.stderr.decode().strip().splitlines()[-1]
    assert e.message.startswith("recdata dpu-hash: ") and "nosuch" in e.message
    assert "\n" not in e.message and "at " not in e.message.split(":", 1)[0]


def test_a_type_the_tool_rejects_raises_with_exit_65(table):
    # seq-encode does not take large strings or lists (docs/seq-format.md)
    with pytest.raises(recdata.ToolError) as info:
        recdata.run("seq-encode", table)
    assert info.value.exit_code == 65
    assert info.value.message.startswith("recdata seq-encode: ")
    assert "title" in info.value.message or "tags" in info.value.message or "embedding" in info.value.message


def test_a_bad_flag_value_raises_with_exit_2(table):
    with pytest.raises(recdata.ToolError) as info:
        recdata.run(["dpu-hash", "--cols", "item_id", "--buckets", "0"], table)
    assert info.value.exit_code == 2
    assert "buckets" in info.value.message


def test_stream_mode_raises_when_iterated_to_the_failure(table):
    with pytest.raises(recdata.ToolError) as info:
        for _ in recdata.run("dpu-hash --cols nosuch", table, stream=True):
            pass
    assert info.value.exit_code == 65


@pytest.mark.parametrize(
    "cmd, words",
    [
        ("dpu-hashh --cols item_id", ['command "dpu-hashh" not found', "dpu-hash"]),
        ("gpu-featurize fitt --spec x", ['"gpu-featurize fitt" is not a command', "transform"]),
        ("schema-migrate", ['"schema-migrate" needs a subcommand']),
        ("", ["no command given"]),
    ],
)
def test_an_unknown_command_raises_before_any_process_starts(monkeypatch, table, cmd, words):
    def no_process(*a, **k):
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    with pytest.raises(recdata.UnknownCommandError) as info:
        recdata.run(cmd, table)
    assert info.value.exit_code == 2
    for w in words:
        assert w in info.value.message


def test_the_error_survives_pickling(table):
    # Ray sends a worker's exception to the driver by pickling it.
    with pytest.raises(recdata.ToolError) as info:
        recdata.run("dpu-hash --cols nosuch", table)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is recdata.ToolError
    assert (back.exit_code, back.message, str(back)) == (info.value.exit_code, info.value.message, str(info.value))


def test_recdata_cli_environment_variable(monkeypatch, table, tmp_path):
    monkeypatch.setenv("RECDATA_CLI", str(RUN_JS))
    assert recdata.find_cli().location == str(RUN_JS.resolve())
    assert recdata.run("cat", table).num_rows == table.num_rows
    monkeypatch.setenv("RECDATA_CLI", str(tmp_path / "nowhere" / "run.js"))
    with pytest.raises(recdata.CliNotFoundError) as info:
        recdata.run("cat", table)
    assert "RECDATA_CLI" in info.value.message


def test_input_that_is_not_arrow_data_is_a_type_error():
    with pytest.raises(TypeError):
        recdata.run("cat", "events.arrow")
    with pytest.raises(TypeError):
        recdata.run("cat", [1, 2, 3])


def test_a_large_input_does_not_deadlock_and_is_streamed():
    # 64 MiB each way: writing everything before reading anything would block on the full pipes.
    big = pa.table({"x": pa.array(range(8 << 20), pa.int64())})
    batches = (b for b in big.to_batches(max_chunksize=1 << 16))
    seen = 0
    with recdata.run("cat", batches, stream=True) as s:
        for b in s:
            seen += b.num_rows
    assert seen == big.num_rows


def test_closing_a_stream_early_stops_the_tool_quietly():
    big = pa.table({"x": pa.array(range(4 << 20), pa.int64())})
    s = recdata.run("cat", big, stream=True)
    first = next(iter(s))
    assert first.num_rows > 0
    s.close()  # a closed stdout is success for the tool: no error


def test_gate_failure_from_scan_carries_the_report(tmp_path):
    t = typed_table(n=200)
    checks = {"checks": [{"id": "few", "kind": "row_count", "max": 10}]}
    report = recdata.scan(t, checks=checks, now="2026-11-09T00:00:00Z")
    assert [c["status"] for c in report["checks"] if c["id"] == "few"] == ["fail"]
    with pytest.raises(recdata.GateFailedError) as info:
        recdata.scan(t, checks=checks, gate=True, now="2026-11-09T00:00:00Z")
    assert info.value.exit_code == 1
    assert [c["id"] for c in info.value.report["checks"] if c["status"] == "fail"] == ["few"]
