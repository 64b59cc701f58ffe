"""Config lookup order: --config, FIEDLER_CONFIG, the user config dir, the packaged default."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.config.loader import PACKAGED_LABEL, find_config_path, load_config
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.locations import user_config_dir

MINIMAL = """\
providers:
  p:
    kind: openai
    base_url: https://example.invalid/v1
models:
  {name}:
    provider: p
    context_window: 1000
    max_completion_tokens: 100
"""


def write_config(path: Path, model_name: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINIMAL.format(name=model_name))
    return path


def test_packaged_default_when_nothing_else_exists() -> None:
    location = find_config_path(None, {})
    assert location.path is None
    assert location.label == PACKAGED_LABEL
    assert "gpt-5" in load_config(None, {}).models


def test_user_config_dir_beats_packaged(tmp_path: Path) -> None:
    write_config(user_config_dir() / "models.yaml", "from-user-dir")
    assert list(load_config(None, {}).models) == ["from-user-dir"]


def test_env_beats_user_config_dir(tmp_path: Path) -> None:
    write_config(user_config_dir() / "models.yaml", "from-user-dir")
    env_file = write_config(tmp_path / "env.yaml", "from-env")
    assert list(load_config(None, {"FIEDLER_CONFIG": str(env_file)}).models) == ["from-env"]


def test_cli_flag_beats_env(tmp_path: Path) -> None:
    env_file = write_config(tmp_path / "env.yaml", "from-env")
    cli_file = write_config(tmp_path / "cli.yaml", "from-cli")
    config = load_config(cli_file, {"FIEDLER_CONFIG": str(env_file)})
    assert list(config.models) == ["from-cli"]
    assert config.source == str(cli_file)


def test_named_file_that_does_not_exist_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(None, {"FIEDLER_CONFIG": str(missing)})
    assert caught.value.problems == [
        f"{missing}: config file named by FIEDLER_CONFIG does not exist"
    ]


def test_env_variable_is_used_by_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_config(tmp_path / "env.yaml", "from-env")
    monkeypatch.setenv("FIEDLER_CONFIG", str(env_file))
    assert main(["models", "--json"]) == 0
    assert '"alias": "from-env"' in capsys.readouterr().out
