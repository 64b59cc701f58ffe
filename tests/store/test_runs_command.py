"""`fiedler runs` and `fiedler runs show`: listing, JSON, and one run's outputs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.store.run_store import RunStore
from tests.support.simulated_project import fiedler_process

from . import v1_runs
from .v1_runs import copy_v1_runs


@pytest.fixture
def saved_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(tmp_path / "runs"))
    run = RunStore(tmp_path / "runs").start_run({})
    out = run.output("gpt-5")
    out.append("the answer")
    out.close()
    run.write_summary(
        {
            "status": "done",
            "started_at": "2026-11-23T18:00:00+00:00",
            "cost_usd": 0.0123,
            "models": [
                {
                    "alias": "gpt-5",
                    "status": "done",
                    "output_file": "gpt-5.md",
                    "usage_input": 10,
                    "usage_output": 3,
                    "error": None,
                }
            ],
        }
    )
    return run.run_id


def test_runs_lists_and_shows(saved_run: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs"]) == 0
    assert saved_run in capsys.readouterr().out
    assert main(["runs", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["runs"]
    assert row["id"] == saved_run and row["models"] == ["gpt-5"] and row["cost_usd"] == 0.0123
    for argv in (["runs", "show", saved_run, "--json"], ["runs", "--json", "show", saved_run]):
        assert main(argv) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["outputs"]["gpt-5"].endswith(f"{saved_run}/gpt-5.md")
    assert main(["runs", "show", saved_run]) == 0
    assert "gpt-5: done" in capsys.readouterr().out


def test_unknown_run_is_exit_2(saved_run: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "show", "nope"]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


def test_show_lists_the_partial_file_that_exists_and_formats_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run left by a process killed mid-stream (pid of a process that has ended)."""
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(tmp_path / "runs"))
    run = RunStore(tmp_path / "runs").start_run({})
    assert run.path is not None
    done = run.output("fast")
    done.append("all good")
    done.close()
    cut = run.output("slow")
    cut.append("half an answ")  # never closed: the process was killed here
    run.write_summary(
        {
            "status": "running",
            "pid": 2**22 + 7,  # above the kernel's pid limit: no such process
            "package": {"files": 1200, "bytes": 1234567, "lines": 45678, "sha256": "ab" * 32},
            "models": [
                {
                    "alias": "fast",
                    "status": "done",
                    "output_file": "fast.md",
                    "usage_input": 123456,
                    "usage_output": 7890,
                    "total_s": 12.345,
                    "tokens_per_s": 1234.56,
                    "cost_usd": 0.01234,
                },
                {"alias": "slow", "status": "streaming", "output_file": "slow.md"},
            ],
        }
    )
    assert main(["runs", "show", run.run_id]) == 0
    out = capsys.readouterr().out
    assert f"run {run.run_id}: INTERRUPTED" in out
    assert "package: 1,200 files, 1,234,567 bytes, 45,678 lines" in out
    assert "fast: done; 123,456 in / 7,890 out tokens; 12.3s, 1,235 tok/s; $0.0123" in out
    assert "slow: interrupted; – in / – out tokens; –, – tok/s" in out
    assert f"{run.path / 'slow.md.partial'} (partial)" in out
    assert f"{run.path / 'slow.md'}\n" not in out  # never the .md that does not exist
    assert out.count("slow.md.partial") == 1
    assert main(["runs", "show", run.run_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["outputs"]["slow"] == str(run.path / "slow.md.partial")
    assert shown["summary"]["models"][1]["status"] == "interrupted"


def test_runs_flag_outputs_that_were_not_saved(
    saved_run: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary_path = tmp_path / "runs" / saved_run / "summary.json"
    summary = json.loads(summary_path.read_text())
    summary["outputs_saved"] = False
    summary["models"][0].update(
        saved=False,
        bytes_saved=4096,
        bytes_total=15912,
        output_error="No space left on device (the whole text was kept in memory)",
    )
    summary_path.write_text(json.dumps(summary))
    assert main(["runs"]) == 0
    assert "done, NOT ALL SAVED" in capsys.readouterr().out
    assert main(["runs", "show", saved_run]) == 0
    assert (
        "output NOT SAVED: 4,096 of 15,912 bytes on disk (No space left on device"
        in capsys.readouterr().out
    )


def run_cli(runs: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FIEDLER_OUTPUT_DIR": str(runs)}
    return fiedler_process(args, env)


def test_runs_show_reads_version_1_runs(tmp_path: Path) -> None:
    runs = copy_v1_runs(tmp_path / "runs")
    shown = run_cli(runs, "runs", "show", v1_runs.FAILED)
    assert shown.returncode == 0, shown.stderr
    assert "package: 2 files, 185 bytes, 4 lines, sha256 4bbf376f67781b61…" in shown.stdout
    assert "  fast: done; 92 in / 40 out tokens; 0.0s, – tok/s; $0.0000" in shown.stdout
    assert (
        "  broken: failed [network] connection lost: [Errno 104] Connection reset by peer; "
        "92 in / 14 out tokens" in shown.stdout
    )
    talk = run_cli(runs, "runs", "show", v1_runs.DELIBERATION)
    assert "crosstalk: report, chair demo-deliberate" in talk.stdout
    assert "round 2 (review):\n  demo-swift: finished; 336 in / 37 out tokens" in talk.stdout
    assert "result: report, complete" in talk.stdout and "cost: $0.0052" in talk.stdout
    as_json = json.loads(run_cli(runs, "runs", "show", v1_runs.SEND, "--json").stdout)
    saved = json.loads((runs / v1_runs.SEND / "summary.json").read_text("utf-8"))
    assert as_json["summary"] == saved  # printed as saved, not as read
    assert as_json["models"] == ["demo-swift", "demo-steady", "demo-busy"]
    assert as_json["kind"] == "send" and as_json["cost_usd"] == saved["cost_usd"]
    assert set(as_json["outputs"]) == {"demo-swift", "demo-steady", "demo-busy"}


def test_a_malformed_summary_is_named_without_a_traceback(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    bad = runs / "20261201-100000-abcdef"
    bad.mkdir(parents=True)
    (bad / "summary.json").write_text(json.dumps({"status": "done", "models": "gpt-5"}))
    listed = run_cli(runs, "runs")
    assert listed.returncode == 0 and "unreadable" in listed.stdout
    shown = run_cli(runs, "runs", "show", bad.name)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr + shown.stdout
    assert f"run {bad.name}: unreadable" in shown.stdout
    assert "malformed run summary: models: expected a list, found a string" in shown.stdout
    row = json.loads(run_cli(runs, "runs", "--json").stdout)["runs"][0]
    assert row["status"] == "unreadable" and row["problem"].startswith("malformed run summary")


def test_show_lists_an_interrupted_models_thinking_partial_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(tmp_path / "runs"))
    run = RunStore(tmp_path / "runs").start_run({})
    assert run.path is not None
    thinking = run.thinking_output("slow")
    thinking.append("first I read")  # never closed: the process was killed while it thought
    run.output("slow").append("half")
    run.write_summary(
        {
            "status": "running",
            "pid": 2**22 + 7,  # no such process
            "models": [{"alias": "slow", "status": "streaming", "output_file": "slow.md"}],
        }
    )
    assert main(["runs", "show", run.run_id]) == 0
    out = capsys.readouterr().out
    assert f"{run.path / 'slow.thinking.md.partial'} (thinking, partial)" in out
    assert "partial output:" not in out and out.count("slow.thinking.md.partial") == 1
