"""Counts shown with their noun: one file is ``1 file``, never ``1 files``, in every command
and report that shows a package or counts models, units or requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.run_store import RunStore


def test_counted_singular_plural_separators_and_unknown() -> None:
    assert counted(1, "file") == "1 file"
    assert counted(0, "file") == "0 files"
    assert counted(1200, "file") == "1,200 files"
    assert counted(None, "file") == "– files"
    assert counted(1, "reply", "replies") == "1 reply"
    assert counted(2, "reply", "replies") == "2 replies"


def test_runs_show_and_export_say_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(tmp_path / "runs"))
    run = RunStore(tmp_path / "runs").start_run({})
    out = run.output("gpt-5")
    out.append("the answer")
    out.close()
    run.write_summary(
        {
            "status": "done",
            "package": {"files": 1, "bytes": 1, "lines": 1, "sha256": "ab" * 32},
            "models": [{"alias": "gpt-5", "status": "done", "output_file": "gpt-5.md"}],
        }
    )
    assert main(["runs", "show", run.run_id]) == 0
    assert "package: 1 file, 1 byte, 1 line, sha256" in capsys.readouterr().out
    report = tmp_path / "report.md"
    assert main(["runs", "export", run.run_id, "--output", str(report)]) == 0
    text = report.read_text("utf-8")
    assert "1 file, 1 byte, 1 line" in text and "1 files" not in text


def test_compose_over_budget_line_says_one_token() -> None:
    from types import SimpleNamespace
    from typing import cast

    from fiedler_tui.core.budget import DryRunResult
    from fiedler_tui.core.budget.model_budget import BudgetStatus, ModelBudget
    from fiedler_tui.core.tokens.methods import CountMethod
    from fiedler_tui.tui.screens.compose import over_budget_text

    over = ModelBudget(
        alias="tiny",
        provider="openai",
        model="tiny",
        count_method=CountMethod.EXACT,
        encoding="o200k_base",
        basis="o200k_base",
        input_tokens=1_000,
        input_range=None,
        completion_reserve=1,
        context_window=1_000,
        status=BudgetStatus.OVER,
        tokens_to_remove=1,
        cost_usd_max=0.0,
    )
    text = over_budget_text(cast(DryRunResult, SimpleNamespace(models=[over])))
    assert "1,000 window: remove 1 token)" in text
