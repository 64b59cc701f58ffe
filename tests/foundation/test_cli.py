"""The fiedler command: version, models --json shape, doctor, and the module entry point."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fiedler_tui import __version__
from fiedler_tui.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"fiedler {__version__}"
    assert importlib.metadata.version("fiedler-tui") == __version__


def test_models_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["config"] == "packaged default"
    by_alias = {m["alias"]: m for m in data["models"]}
    gpt5 = by_alias["gpt-5"]
    assert set(gpt5) == {
        "alias",
        "aliases",
        "provider",
        "kind",
        "model",
        "context_window",
        "max_completion_tokens",
        "price_in",
        "price_out",
        "price_tiers",
        "tokenizer",
        "reasoning_efforts",
        "reasoning_effort",
        "thinking_budget_range",
        "thinking_budget",
        "include_thoughts",
        "reasoning_text",
        "count",
        "count_text",
        "calibration",
        "default",
        "key",
    }
    assert gpt5["provider"] == "openai" and gpt5["context_window"] == 400_000
    assert gpt5["count"] == "exact" and gpt5["calibration"] is None
    assert gpt5["key"] == "missing"
    assert by_alias["ollama-llama3.2"]["key"] == "not needed"
    assert by_alias["gemini-2.5-pro"]["context_window"] == 1_048_576


def test_models_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "* gpt-5" in out and "400,000" in out


def test_doctor_json_reports_each_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    names = [c["name"] for c in checks]
    assert "config" in names and "output dir" in names and "key openai" in names
    assert all(c["status"] in ("OK", "WARN", "FAIL") for c in checks)
    missing = next(c for c in checks if c["name"] == "key openai")
    assert missing["status"] == "WARN" and "fiedler keys set openai" in missing["fix"]


def test_doctor_fails_on_unwritable_output_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(blocker / "runs"))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL output dir" in out and "FIEDLER_OUTPUT_DIR" in out


def test_demo_works_with_a_command_and_refuses_a_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["config"] == "demo" and "demo-swift" in {m["alias"] for m in data["models"]}
    assert main(["--demo", "--config", "models.yaml", "models"]) == 2
    assert "--demo uses its own simulated models" in capsys.readouterr().err


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys; from fiedler_tui.cli import main; main(['models', '--json']); "
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual loaded'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()}
    result = subprocess.run(
        [sys.executable, "-m", "fiedler_tui", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fiedler {__version__}"


def test_every_subcommand_names_a_handler_that_exists() -> None:
    """Handlers are named as strings (their modules load only when they run): resolve them all."""
    import argparse

    from fiedler_tui.cli import build_parser, load_handler

    def handlers(parser: argparse.ArgumentParser) -> list[str]:
        found = [str(parser.get_default("handler"))] if parser.get_default("handler") else []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += handlers(sub)
        return found

    names = handlers(build_parser())
    assert len(names) == len(set(names))
    commands = {name.partition(":")[0] for name in names}
    assert commands >= {
        "models",
        "model_sets",
        "templates",
        "doctor",
        "keys",
        "dry_run",
        "send",
        "crosstalk",
        "runs",
        "mcp",
        "serve",
    }
    for name in names:
        assert callable(load_handler(name)), name
