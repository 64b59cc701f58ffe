"""`fiedler runs` and `fiedler runs show`: listing, JSON, and one run's outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.store.run_store import RunStore


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
