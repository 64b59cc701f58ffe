"""models.yaml validation: every problem reported as ``file:line: field: message``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.config.loader import packaged_config_text, parse_config
from fiedler_tui.core.errors import ConfigError

VALID = """\
version: 1
providers:
  openai:
    kind: openai
    base_url: https://api.openai.com/v1
    key_env: [OPENAI_API_KEY]
  local:
    kind: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    requires_key: false
models:
  gpt-5:
    provider: openai
    aliases: [gpt5]
    context_window: 400000
    max_completion_tokens: 32000
    tokenizer: o200k_base
  llama:
    provider: local
    model: llama3.2
    context_window: 8192
    max_completion_tokens: 2048
"""


def problems_of(text: str, source: str = "models.yaml") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text), source)
    return caught.value.problems


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_valid_config_loads_with_names_and_wire_ids() -> None:
    config = parse_config(VALID, "models.yaml")
    assert config.resolve("gpt5").name == "gpt-5"
    assert config.resolve("llama").wire_id == "llama3.2"
    assert config.completion_param(config.models["gpt-5"]) == "max_completion_tokens"
    assert config.completion_param(config.models["llama"]) == "max_tokens"


def test_non_positive_context_window_names_file_line_and_field() -> None:
    text = replace_line(VALID, "context_window: 400000", "context_window: 0")
    assert problems_of(text) == [
        "models.yaml:15: models.gpt-5.context_window: must be a positive integer"
    ]


def test_wrong_type_is_reported_at_its_line() -> None:
    text = replace_line(VALID, "context_window: 8192", "context_window: lots")
    assert problems_of(text) == ["models.yaml:21: models.llama.context_window: must be an integer"]


def test_unknown_key_is_reported() -> None:
    text = replace_line(
        VALID, "    tokenizer: o200k_base\n", "    tokenizer: o200k_base\n    colour: red\n"
    )
    assert problems_of(text) == ["models.yaml:18: models.gpt-5.colour: unknown key"]


def test_unknown_provider_names_the_known_ones() -> None:
    text = replace_line(VALID, "provider: local", "provider: nowhere")
    assert problems_of(text) == [
        "models.yaml:19: models.llama.provider: unknown provider 'nowhere' (known: local, openai)"
    ]


def test_unknown_provider_kind() -> None:
    text = replace_line(VALID, "kind: openai\n", "kind: cohere\n")
    [problem] = problems_of(text)
    assert problem.startswith("models.yaml:4: providers.openai.kind: must be one of")
    assert "'cohere'" in problem


@pytest.mark.parametrize("completion", ["400000", "500000"])
def test_completion_reserve_must_leave_room_for_input(completion: str) -> None:
    text = replace_line(
        VALID, "max_completion_tokens: 32000", f"max_completion_tokens: {completion}"
    )
    [problem] = problems_of(text)
    assert problem.startswith("models.yaml:16: models.gpt-5.max_completion_tokens: must be smaller")


def test_duplicate_model_ids_are_reported_with_both_lines() -> None:
    text = (
        VALID
        + "  gpt-5:\n    provider: openai\n    context_window: 10\n    max_completion_tokens: 5\n"
    )
    assert problems_of(text) == [
        "models.yaml:23: models.gpt-5: duplicate key (first defined on line 12)"
    ]


def test_alias_collision_names_both_owners() -> None:
    text = replace_line(
        VALID, "    model: llama3.2\n", "    model: llama3.2\n    aliases: [gpt5]\n"
    )
    assert problems_of(text) == [
        "models.yaml:21: models.llama.aliases.0: name 'gpt5' is used by both models 'gpt-5' and 'llama'"
    ]


def test_alias_equal_to_another_models_name_collides() -> None:
    text = replace_line(
        VALID, "    model: llama3.2\n", "    model: llama3.2\n    aliases: [gpt-5]\n"
    )
    [problem] = problems_of(text)
    assert "'gpt-5' is used by both models 'gpt-5' and 'llama'" in problem


def test_missing_required_field() -> None:
    text = replace_line(VALID, "    max_completion_tokens: 2048\n", "")
    assert problems_of(text) == ["models.yaml:18: models.llama.max_completion_tokens: is required"]


def test_bad_base_url() -> None:
    text = replace_line(VALID, "base_url: https://api.openai.com/v1", "base_url: api.openai.com")
    assert problems_of(text) == [
        "models.yaml:5: providers.openai.base_url: must start with http:// or https://"
    ]


def test_several_problems_are_all_reported_in_line_order() -> None:
    text = replace_line(VALID, "context_window: 400000", "context_window: -5")
    text = replace_line(text, "kind: openai-compatible", "kind: nope")
    problems = problems_of(text)
    assert [p.split(":")[1] for p in problems] == ["8", "15"]


def test_invalid_yaml_reports_the_line() -> None:
    [problem] = problems_of("providers:\n  a: [1, 2\nmodels: {}\n")
    assert problem.startswith("models.yaml:3: invalid YAML:")


def test_top_level_must_be_a_mapping() -> None:
    assert problems_of("- just\n- a list\n") == [
        "models.yaml:1: (top level): the file must be a mapping with 'providers' and 'models'"
    ]


def test_packaged_default_is_valid_and_has_the_documented_models() -> None:
    config = parse_config(packaged_config_text(), "packaged")
    for name in [
        "gpt-5",
        "gpt-4.1",
        "o3",
        "claude-sonnet",
        "claude-haiku",
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "grok-4",
        "llama-3.3-70b",
        "deepseek-r1",
        "qwen2.5-72b",
    ]:
        assert name in config.models
    assert config.models["gemini-2.5-pro"].context_window == 1_048_576
    assert config.models["gpt-5"].accepts_temperature is False
    assert config.providers["ollama"].base_url == "http://127.0.0.1:11434/v1"
    assert config.providers["ollama"].requires_key is False


def test_cli_prints_one_line_per_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "models.yaml"
    text = replace_line(VALID, "context_window: 400000", "context_window: 0")
    bad.write_text(replace_line(text, "provider: local", "provider: nowhere"))
    code = main(["--config", str(bad), "models"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert lines == [
        f"fiedler: {bad}:15: models.gpt-5.context_window: must be a positive integer",
        f"fiedler: {bad}:19: models.llama.provider: unknown provider 'nowhere' (known: local, openai)",
    ]
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_self_referencing_alias_is_a_clear_error_not_a_crash() -> None:
    assert problems_of("providers: &x [*x]\nmodels: {}\n") == [
        "models.yaml:1: invalid YAML: an alias refers to itself"
    ]
