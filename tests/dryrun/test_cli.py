"""``fiedler dry-run``: JSON shape, human output and exit codes 0 / 2 / 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.cli import main
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]


PROVIDER_KEYS = {
    "OPENAI_API_KEY": "sk-test-openai",
    "ANTHROPIC_API_KEY": "sk-ant-test",
    "GEMINI_API_KEY": "test-gemini",
}


@pytest.fixture
def project(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(root / "src" / "app.py", "def main():\n    return 42\n")
    write(root / "README.md", "# demo\n")
    monkeypatch.chdir(root)
    for name, value in PROVIDER_KEYS.items():  # every default model's provider has a key
        monkeypatch.setenv(name, value)
    return root


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["dry-run", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_json_shape_and_exit_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, ".", "-m", "gpt-5", "-m", "sonnet", "-p", "Review.")
    assert code == 0
    assert [f["path"] for f in data["files"]] == ["README.md", "src/app.py"]
    first = data["files"][0]
    assert set(first) >= {"path", "bytes", "lines", "sha256", "tokens", "secrets"}
    assert set(first["tokens"]) == {"o200k_base"}
    assert data["skipped"] == []
    assert set(data["package"]) >= {"files", "bytes", "lines", "sha256"}
    assert data["package"]["files"] == 2
    models = {m["alias"]: m for m in data["models"]}
    for model in models.values():
        assert set(model) >= {
            "alias",
            "provider",
            "model",
            "input_tokens",
            "count_method",
            "completion_reserve",
            "context_window",
            "fits",
            "cost_usd_max",
        }
    assert models["gpt-5"]["count_method"] == "exact"
    assert models["claude-sonnet"]["count_method"] == "estimate"
    assert models["claude-sonnet"]["model"] == "claude-sonnet-4-5"
    assert data["limits"]["max_file_count"] == 100 and data["limits"]["crossed"] is None
    assert data["sendable"] is True


def test_default_models_and_human_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dry-run", "src", "-p", "hi"]) == 0
    out = capsys.readouterr().out
    assert "src/app.py" in out
    for alias in ("gpt-5", "claude-sonnet", "gemini-2.5-pro"):
        assert alias in out
    assert "worst-case total cost" in out


def test_escaped_names_in_human_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / "bad\x1b[2Jname\n.txt", "x\n")
    assert main(["dry-run", ".", "-m", "gpt-5", "-p", "hi"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    # shown as every command shows terminal controls (README: `\x1b`), quoted as a name
    assert '"bad\\x1b[2Jname\\n.txt"' in out and "u001b" not in out
    assert main(["dry-run", ".", "-m", "gpt-5", "-p", "hi", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # JSON's own escape, and the document decodes to the name
    assert "bad\x1b[2Jname\n.txt" in [f["path"] for f in json.loads(out)["files"]]


def test_exit_2_on_bad_input(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dry-run", ".", "-m", "no-such-model"]) == 2
    assert "unknown model 'no-such-model'" in capsys.readouterr().err
    write(tmp_path / "outside.txt", "x\n")
    assert main(["dry-run", "../outside.txt", "-m", "gpt-5"]) == 2
    assert "outside the allowed roots" in capsys.readouterr().err
    assert main(["dry-run", "missing.py", "-m", "gpt-5"]) == 2
    assert "missing.py: no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["dry-run", ".", "--max-completion-tokens", "-5"])
    assert info.value.code == 2


def test_exit_3_over_budget(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, ".", "-m", "gpt-5", "--max-completion-tokens", "400000")
    assert code == 3
    (model,) = data["models"]
    assert model["fits"] is False and model["status"] == "over"
    assert model["tokens_to_remove"] == model["input_tokens"]
    assert [f["path"] for f in model["largest_files"]] == ["src/app.py", "README.md"]
    # the reserve asked for is what does not fit: lowering it is the advice, before the files
    assert model["reserve_to_fit"] is not None and 0 < model["reserve_to_fit"] < 400_000
    lower = f"lower --max-completion-tokens to {model['reserve_to_fit']:,}"
    assert any(lower in b and "or remove" in b for b in data["blockers"])


def test_exit_3_on_a_crossed_limit(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_MAX_FILE_COUNT", "1")
    code, data = run_json(capsys, ".", "-m", "gpt-5")
    assert code == 3
    crossed = data["limits"]["crossed"]
    assert crossed["variable"] == "FIEDLER_MAX_FILE_COUNT"
    assert (crossed["limit"], crossed["path"]) == (1, "src/app.py")
    assert main(["dry-run", ".", "-m", "gpt-5"]) == 3
    assert "FIEDLER_MAX_FILE_COUNT=1 crossed at src/app.py" in capsys.readouterr().err


def test_exit_3_on_secrets_unless_chosen(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / ".env", "API_TOKEN=abc123\n")
    assert main(["dry-run", ".", "-m", "gpt-5", "-p", "hi"]) == 3
    err = capsys.readouterr().err
    assert "likely secret" in err and "--mask-secrets" in err
    code, data = run_json(capsys, ".", "-m", "gpt-5", "-p", "hi", "--mask-secrets")
    assert code == 0
    assert data["secrets"]["findings"] == [
        {"path": ".env", "line": 1, "column": 11, "kind": "env-file-value"}
    ]
    assert main(["dry-run", ".", "-m", "gpt-5", "-p", "hi", "--allow-secrets"]) == 0
    capsys.readouterr()
    code, data = run_json(capsys, ".", "-m", "gpt-5", "-p", "hi", "--exclude-secrets")
    assert code == 0 and ".env" not in [f["path"] for f in data["files"]]


def test_prompt_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project.parent / "prompt.txt", "Please review carefully.\n" * 50)
    _, short = run_json(capsys, "src", "-m", "gpt-5", "-p", "x")
    code, long = run_json(capsys, "src", "-m", "gpt-5", "--prompt-file", "../prompt.txt")
    assert code == 0
    assert long["models"][0]["input_tokens"] > short["models"][0]["input_tokens"] + 150
    assert main(["dry-run", "src", "--prompt-file", "../nope.txt"]) == 2


def test_real_subprocess(project: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "fiedler_tui", "dry-run", ".", "-m", "gpt-5", "-p", "hi", "--json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["models"][0]["count_method"] == "exact"
    assert data["package"]["files"] == 2

    over = subprocess.run(
        [
            sys.executable,
            "-m",
            "fiedler_tui",
            "dry-run",
            ".",
            "-m",
            "o3",
            "--max-completion-tokens",
            "200000",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert over.returncode == 3
    assert "o3 is over budget" in over.stderr
