"""FIEDLER_* settings: typed parsing, defaults, precise errors, and the README table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.errors import SettingsError
from fiedler_tui.core.settings import VARIABLES, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.allowed_roots == (tmp_path,)
    assert (settings.max_package_bytes, settings.max_file_count, settings.max_lines) == (
        20_000_000,
        100,
        100_000,
    )
    assert settings.save_prompt is False and settings.no_disk is False
    assert settings.output_dir.name == "runs"
    assert settings.max_cost_usd is None and settings.retention_days is None


def test_values_are_parsed_to_their_types(tmp_path: Path) -> None:
    roots = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    settings = Settings.from_env(
        {
            "FIEDLER_ALLOWED_FILE_ROOTS": roots,
            "FIEDLER_MAX_LINES": "5_000",
            "FIEDLER_SAVE_PROMPT": "yes",
            "FIEDLER_NO_DISK": "0",
            "FIEDLER_MAX_COST_USD": "2.5",
            "FIEDLER_LOG_LEVEL": "debug",
            "FIEDLER_OUTPUT_DIR": str(tmp_path / "out"),
        }
    )
    assert settings.allowed_roots == (tmp_path / "a", tmp_path / "b")
    assert settings.max_lines == 5000
    assert settings.save_prompt is True and settings.no_disk is False
    assert settings.max_cost_usd == 2.5
    assert settings.log_level == "DEBUG"
    assert settings.output_dir == tmp_path / "out"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FIEDLER_MAX_LINES", "many", "expected a positive whole number"),
        ("FIEDLER_MAX_FILE_COUNT", "0", "expected a positive whole number"),
        ("FIEDLER_MAX_PACKAGE_BYTES", "-1", "expected a positive whole number"),
        ("FIEDLER_SAVE_PROMPT", "maybe", "expected 1/0, true/false, yes/no or on/off"),
        ("FIEDLER_MAX_COST_USD", "nan", "expected a positive number"),
        ("FIEDLER_LOG_LEVEL", "LOUD", "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("FIEDLER_ALLOWED_FILE_ROOTS", os.pathsep, "expected one or more paths"),
    ],
)
def test_bad_value_names_the_variable_and_what_it_expected(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    [problem] = caught.value.problems
    assert problem.startswith(f"{name}={value!r}: {expected}")


def test_every_bad_variable_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"FIEDLER_MAX_LINES": "x", "FIEDLER_LOG_JSON": "perhaps"})
    assert len(caught.value.problems) == 2


def test_unknown_fiedler_variables_are_kept_for_doctor() -> None:
    settings = Settings.from_env({"FIEDLER_MAX_LINE": "5"})
    assert settings.unknown_variables == ("FIEDLER_MAX_LINE",)


def test_cli_refuses_bad_environment_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIEDLER_MAX_FILE_COUNT", "ten")
    assert main(["models"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "fiedler: FIEDLER_MAX_FILE_COUNT='ten': expected a positive whole number"


def test_readme_documents_every_variable_with_its_default() -> None:
    text = README.read_text()
    for variable in VARIABLES:
        row = next(
            (line for line in text.splitlines() if line.startswith(f"| `{variable.name}` |")),
            None,
        )
        assert row is not None, f"{variable.name} missing from the README table"
        assert variable.default_text in row, f"{variable.name}: default not documented"
