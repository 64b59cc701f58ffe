"""models.yaml reasoning keys: which model takes which control, checked with file:line."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.config.loader import packaged_config_text, parse_config
from fiedler_tui.core.errors import ConfigError

BASE = """\
version: 1
providers:
  openai:
    kind: openai
    base_url: https://api.openai.com/v1
  claude:
    kind: anthropic
    base_url: https://api.anthropic.com
  google:
    kind: gemini
    base_url: https://generativelanguage.googleapis.com/v1beta
models:
  o3:
    provider: openai
    context_window: 200000
    max_completion_tokens: 32000
    reasoning_efforts: [low, medium, high]
    reasoning_effort: medium
  sonnet:
    provider: claude
    context_window: 200000
    max_completion_tokens: 16000
    thinking_budget_range: [1024, 63999]
    thinking_optional: true
    thinking_budget: 8000
  pro:
    provider: google
    context_window: 1048576
    max_completion_tokens: 32768
    thinking_budget_range: [128, 32768]
    thinking_budget: 8192
    include_thoughts: true
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "models.yaml")
    return caught.value.problems


def edited(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def test_valid_reasoning_keys_load() -> None:
    config = parse_config(BASE, "models.yaml")
    assert config.models["o3"].reasoning_effort == "medium"
    assert config.models["sonnet"].thinking_budget == 8000
    assert config.models["pro"].include_thoughts is True


def test_the_packaged_defaults_are_valid_and_bounded_by_their_reserves() -> None:
    config = parse_config(packaged_config_text(), "packaged default")
    for model in config.models.values():
        if model.thinking_budget:
            assert model.thinking_budget < model.max_completion_tokens, model.name
    assert config.models["gpt-5"].reasoning_efforts == ["minimal", "low", "medium", "high"]
    assert config.models["claude-sonnet"].thinking_optional is True


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    reasoning_effort: medium\n",
            "    reasoning_effort: extreme\n",
            "models.yaml:18: models.o3.reasoning_effort: must be 'minimal', 'low', 'medium' or "
            "'high'; got 'extreme'",
        ),
        (
            "    reasoning_efforts: [low, medium, high]\n",
            "    reasoning_efforts: [low, high]\n",
            "models.yaml:18: models.o3.reasoning_effort: must be one the model accepts "
            "(reasoning_efforts: low, high)",
        ),
        (
            "    thinking_budget: 8000\n",
            "    thinking_budget: 16000\n",
            "models.yaml:25: models.sonnet.thinking_budget: 16,000 must be smaller than the "
            "completion reserve (16,000): the reserve covers the thinking and the answer; raise "
            "max_completion_tokens",
        ),
        (
            "    thinking_budget: 8000\n",
            "    thinking_budget: 512\n",
            "models.yaml:25: models.sonnet.thinking_budget: 512 is outside the budgets the model "
            "takes (1,024-63,999)",
        ),
        (
            "    thinking_budget_range: [1024, 63999]\n",
            "    thinking_budget_range: [100, 63999]\n",
            "models.yaml:23: models.sonnet.thinking_budget_range: Anthropic takes thinking "
            "budgets of at least 1,024",
        ),
        (
            "    thinking_budget: 8192\n",
            "    thinking_budget: 0\n",
            "models.yaml:31: models.pro.thinking_budget: thinking cannot be turned off for this "
            "model (budgets 128-32,768)",
        ),
        (
            "    thinking_budget: 8000\n",
            "    thinking_budget: 8000\n    temperature: 0.2\n",
            "models.yaml:26: models.sonnet.temperature: Anthropic takes no temperature with "
            "extended thinking (thinking_budget is set); leave it unset",
        ),
        (
            "    reasoning_effort: medium\n",
            "    reasoning_effort: medium\n    thinking_budget_range: [0, 100]\n",
            "models.yaml:19: models.o3.thinking_budget_range: kind openai takes a reasoning "
            "effort (reasoning_efforts), not a thinking budget",
        ),
        (
            "    include_thoughts: true\n",
            "    include_thoughts: true\n    reasoning_efforts: [low]\n",
            "models.yaml:33: models.pro.reasoning_efforts: kind gemini takes a thinking budget "
            "(thinking_budget_range), not a reasoning effort",
        ),
        (
            "    thinking_optional: true\n",
            "    thinking_optional: true\n    include_thoughts: true\n",
            "models.yaml:25: models.sonnet.include_thoughts: only kind gemini streams thought "
            "summaries on request",
        ),
        (
            "    reasoning_effort: medium\n",
            "    reasoning_effort: medium\n    thinking_budget: 100\n",
            "models.yaml:19: models.o3.thinking_budget: this model takes no thinking budget; give "
            "the budgets it accepts in thinking_budget_range",
        ),
    ],
)
def test_reasoning_problems_name_file_line_and_field(old: str, new: str, expected: str) -> None:
    assert problems_of(edited(old, new)) == [expected]


def test_zero_is_off_for_a_model_whose_thinking_is_optional() -> None:
    config = parse_config(
        edited("    thinking_budget: 8000\n", "    thinking_budget: 0\n"), "models.yaml"
    )
    assert config.models["sonnet"].thinking_budget == 0


def test_fiedler_models_says_what_each_model_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    rows = {row["alias"]: row for row in json.loads(capsys.readouterr().out)["models"]}
    assert rows["gpt-5"]["reasoning_efforts"] == ["minimal", "low", "medium", "high"]
    assert rows["gpt-5"]["reasoning_text"] == "effort medium (minimal-high)"
    assert rows["claude-sonnet"]["thinking_budget_range"] == [1024, 63999]
    assert rows["claude-sonnet"]["reasoning_text"] == "thinking off (1,024-63,999)"
    assert rows["gemini-2.5-pro"]["reasoning_text"] == "thinking 8,192 (128-32,768, summaries)"
    assert rows["gpt-4.1"]["reasoning_text"] == "–"
    assert main(["models"]) == 0
    table = capsys.readouterr().out
    assert "reasoning" in table.splitlines()[1]
    assert "effort medium (low-high)" in table  # o3
