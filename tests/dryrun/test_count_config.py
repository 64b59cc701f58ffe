"""models.yaml's ``count`` field: its values, and where 'api' cannot apply (file:line: field)."""

from __future__ import annotations

import pytest

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.errors import ConfigError

TEXT = """providers:
  claude: {kind: anthropic, base_url: "https://api.anthropic.com", count: %s}
  openai: {kind: openai, base_url: "https://api.openai.com/v1", count: %s}
models:
  sonnet: {provider: claude, context_window: 200000, max_completion_tokens: 8192}
  gpt: {provider: openai, context_window: 200000, max_completion_tokens: 8192, count: %s}
"""


def problems(*values: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(TEXT % values, "models.yaml")
    return list(caught.value.problems)


def test_count_values_are_api_or_estimate() -> None:
    config = parse_config(TEXT % ("api", "estimate", "estimate"), "models.yaml")
    assert config.providers["claude"].count == "api"
    assert config.models["gpt"].count == "estimate"
    assert problems("exact", "estimate", "estimate") == [
        "models.yaml:2: providers.claude.count: must be 'api' or 'estimate'; got 'exact'"
    ]


def test_api_on_an_openai_provider_or_model_is_refused() -> None:
    found = problems("api", "api", "api")
    assert len(found) == 2
    assert found[0].startswith(
        "models.yaml:3: providers.openai.count: 'api' needs a count endpoint"
    )
    assert found[1].startswith("models.yaml:6: models.gpt.count: 'api' needs a count endpoint")
