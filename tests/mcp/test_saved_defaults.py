"""defaults.json: saved default models and output folder, and what wins over them."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.user_defaults import SavedDefaults, defaults_path

YAML = """version: 1
providers:
  local: {kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", requires_key: false}
models:
  one: {provider: local, context_window: 8000, max_completion_tokens: 1000, default: true}
  two: {provider: local, context_window: 8000, max_completion_tokens: 1000, aliases: [second]}
"""


def test_saved_models_replace_the_yaml_defaults_and_unknown_names_are_ignored(
    tmp_path: Path,
) -> None:
    config_path = tmp_path / "models.yaml"
    config_path.write_text(YAML)
    assert [m.name for m in load_config(config_path).default_models()] == ["one"]
    SavedDefaults(models=["second"]).save()
    assert defaults_path().stat().st_mode & 0o777 == 0o600
    assert [m.name for m in load_config(config_path).default_models()] == ["two"]
    SavedDefaults(models=["gone", "one"]).save()
    assert [m.name for m in load_config(config_path).default_models()] == ["one"]
    SavedDefaults(models=["gone"]).save()  # none known here: models.yaml's own defaults
    assert [m.name for m in load_config(config_path).default_models()] == ["one"]


def test_the_saved_output_folder_applies_unless_the_variable_is_set(tmp_path: Path) -> None:
    default = Settings.from_env({}).output_dir
    SavedDefaults(output_dir=str(tmp_path / "saved")).save()
    assert Settings.from_env({}).output_dir == tmp_path / "saved"
    env = {"FIEDLER_OUTPUT_DIR": str(tmp_path / "env")}
    assert Settings.from_env(env).output_dir == tmp_path / "env"
    defaults_path().write_text("not json")
    assert Settings.from_env({}).output_dir == default
