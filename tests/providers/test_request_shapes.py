"""The JSON and headers each adapter sends, checked on what the simulator received.

Uses the packaged models.yaml (only base URLs moved to the simulator), so the parameter rules
come from the same data users get: max_completion_tokens for gpt-5/o3, max_tokens for
xAI/Together/Ollama, no temperature where only the default is accepted.
"""

from __future__ import annotations

from typing import Any

from providers_support import packaged_config_at, packaged_requests, run_models

from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import Runner
from fiedler_tui.core.simulator import ModelScript, RecordedRequest, Simulator

REQUEST = ReviewRequest(
    prompt="Find bugs.", package_text="=== a.py ===\nx = 1\n", system="Be brief.", temperature=0.3
)
MODELS = [
    "gpt-5",
    "gpt-4.1",
    "o3",
    "grok-4",
    "llama-3.3-70b",
    "ollama-llama3.2",
    "claude-sonnet",
    "gemini-2.5-pro",
]
KEYS: dict[str, str | None] = {
    "openai": "sk-openai-test",
    "anthropic": "sk-ant-test",
    "gemini": "gemini-test-key",
    "xai": "xai-test",
    "together": "together-test",
    "ollama": None,
}
OPENAI_MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "=== a.py ===\nx = 1\nREQUEST\nFind bugs."},
]


async def sent(
    request: ReviewRequest = REQUEST, models: list[str] = MODELS
) -> dict[str, RecordedRequest]:
    return await packaged_requests(request, models, KEYS)


def openai_body(model: str, **limits: Any) -> dict[str, Any]:
    return {
        "model": model,
        "messages": OPENAI_MESSAGES,
        **limits,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def test_openai_family_bodies_follow_the_model_data() -> None:
    got = await sent()
    assert got["gpt-5"].body == openai_body(
        "gpt-5", max_completion_tokens=32000, reasoning_effort="medium"
    )
    assert got["o3"].body == openai_body(
        "o3", max_completion_tokens=32000, reasoning_effort="medium"
    )
    assert got["gpt-4.1"].body == openai_body(
        "gpt-4.1", max_completion_tokens=16384, temperature=0.3
    )
    assert got["grok-4"].body == openai_body("grok-4-0709", max_tokens=16384, temperature=0.3)
    assert got["llama-3.3-70b"].body == openai_body(
        "meta-llama/Llama-3.3-70B-Instruct-Turbo", max_tokens=8192, temperature=0.3
    )
    assert got["ollama-llama3.2"].body == openai_body("llama3.2", max_tokens=2048, temperature=0.3)
    for name in ("gpt-5", "gpt-4.1", "o3", "grok-4", "llama-3.3-70b", "ollama-llama3.2"):
        assert got[name].path.endswith("/v1/chat/completions")
        assert got[name].method == "POST"
        assert got[name].headers["content-type"] == "application/json"


async def test_openai_family_auth_headers() -> None:
    got = await sent()
    assert got["gpt-5"].headers["authorization"] == "Bearer sk-openai-test"
    assert got["grok-4"].headers["authorization"] == "Bearer xai-test"
    assert got["llama-3.3-70b"].headers["authorization"] == "Bearer together-test"
    assert "authorization" not in got["ollama-llama3.2"].headers


async def test_anthropic_request() -> None:
    got = (await sent())["claude-sonnet"]
    assert got.path == "/anthropic/v1/messages"
    assert got.headers["x-api-key"] == "sk-ant-test"
    assert got.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in got.headers
    assert got.body == {
        "model": "claude-sonnet-4-5",
        "max_tokens": 16000,
        "system": "Be brief.",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "=== a.py ===\nx = 1\n"},
                    {"type": "text", "text": "REQUEST\nFind bugs."},
                ],
            }
        ],
        "stream": True,
        "temperature": 0.3,
    }


async def test_gemini_request() -> None:
    got = (await sent())["gemini-2.5-pro"]
    assert got.path == "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent"
    assert got.query == {"alt": ["sse"]}
    assert got.headers["x-goog-api-key"] == "gemini-test-key"
    assert "authorization" not in got.headers
    assert got.body == {
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "=== a.py ===\nx = 1\nREQUEST\nFind bugs."}]}
        ],
        "generationConfig": {
            "maxOutputTokens": 32768,
            "temperature": 0.3,
            "thinkingConfig": {"thinkingBudget": 8192, "includeThoughts": True},
        },
    }


async def test_completion_budget_override_and_no_temperature_when_unset() -> None:
    request = ReviewRequest(prompt="p", system="s", max_completion_tokens=500)
    got = await sent(request, ["gpt-5", "grok-4", "claude-sonnet", "gemini-2.5-pro"])
    assert got["gpt-5"].body["max_completion_tokens"] == 500
    assert got["grok-4"].body["max_tokens"] == 500
    assert "temperature" not in got["grok-4"].body
    assert got["claude-sonnet"].body["max_tokens"] == 500
    assert "temperature" not in got["claude-sonnet"].body
    assert got["gemini-2.5-pro"].body["generationConfig"]["maxOutputTokens"] == 500
    assert "temperature" not in got["gemini-2.5-pro"].body["generationConfig"]


async def test_usage_is_parsed_from_every_dialect() -> None:
    async with Simulator({}, default_script=ModelScript(reply="one two three")) as sim:
        config = packaged_config_at(sim)
        async with Runner(config, KEYS) as runner:
            result = await run_models(runner, ["gpt-5", "claude-sonnet", "gemini-2.5-pro"])
    for name in ("gpt-5", "claude-sonnet", "gemini-2.5-pro"):
        finished = result.finished(name)
        assert finished.usage.output_tokens == 3, name
        assert finished.usage.input_tokens and finished.usage.input_tokens > 0
        assert finished.finish_reason == "stop"
