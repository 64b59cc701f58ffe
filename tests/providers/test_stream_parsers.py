"""The adapters' stream parsers, fed events directly (the runner tests cover them end to end)."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.core.providers.anthropic import AnthropicParser
from fiedler_tui.core.providers.base import StreamPart, event_json
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.gemini import GeminiParser
from fiedler_tui.core.providers.openai import OpenAIChatParser
from fiedler_tui.core.providers.sse import ServerSentEvent


@pytest.mark.parametrize(
    "data",
    ['{"a":1}', ' {"a": [1, 2.5, null]} \n', "[1]", "7", '"s"', "NaN", '{"a":"\\u00e9"}'],
)
def test_event_json_is_json_loads(data: str) -> None:
    assert event_json(ServerSentEvent(data), "p") == json.loads(data) or data == "NaN"


@pytest.mark.parametrize("data", ["", " ", '{"a":1}x', '{"a":1} {}', '{"a"', "\ufeff{}", "{'a':1}"])
def test_event_json_refuses_what_json_loads_refuses(data: str) -> None:
    with pytest.raises(ValueError):
        json.loads(data)
    with pytest.raises(ProviderError) as caught:
        event_json(ServerSentEvent(data), "p")
    assert caught.value.code is ErrorCode.PROTOCOL


def _gemini(text: str, usage: dict[str, int], finish: str | None = None) -> ServerSentEvent:
    candidate: dict[str, object] = {"content": {"parts": [{"text": text}], "role": "model"}}
    if finish:
        candidate["finishReason"] = finish
    return ServerSentEvent(json.dumps({"candidates": [candidate], "usageMetadata": usage}))


def test_gemini_reports_usage_once_per_change() -> None:
    parser = GeminiParser("p", None, ())
    prompt = {"promptTokenCount": 10, "totalTokenCount": 10}
    assert parser.feed(_gemini("a", prompt)) == [
        StreamPart(text="a"),
        StreamPart(input_tokens=10),
    ]
    assert parser.feed(_gemini("b", prompt)) == [StreamPart(text="b")]
    final = {"promptTokenCount": 10, "candidatesTokenCount": 2, "thoughtsTokenCount": 3}
    assert parser.feed(_gemini("", final, "STOP")) == [
        StreamPart(finish_reason="stop", raw_finish_reason="STOP"),
        StreamPart(input_tokens=10, output_tokens=5, reasoning_tokens=3),
    ]
    parser.close()


def test_openai_text_finish_and_usage() -> None:
    parser = OpenAIChatParser("p", None, ())

    def chunk(choices: list[object], **extra: object) -> ServerSentEvent:
        return ServerSentEvent(json.dumps({"choices": choices, **extra}))

    role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    assert parser.feed(chunk([role])) == []
    text = {"index": 0, "delta": {"content": "hi"}, "finish_reason": None}
    other = {"index": 1, "delta": {"content": "no"}, "finish_reason": None}
    assert parser.feed(chunk([text, other])) == [StreamPart(text="hi")]
    end = {"index": 0, "delta": {"content": "!"}, "finish_reason": "length"}
    assert parser.feed(chunk([end])) == [
        StreamPart(text="!", finish_reason="length", raw_finish_reason="length")
    ]
    usage = {"prompt_tokens": 3, "completion_tokens": 2}
    assert parser.feed(chunk([], usage=usage)) == [StreamPart(input_tokens=3, output_tokens=2)]
    assert parser.feed(ServerSentEvent("[DONE]")) == []
    parser.close()


def test_anthropic_text_deltas_and_truncation() -> None:
    parser = AnthropicParser("p", None, ())
    delta = {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "x"}}
    assert parser.feed(ServerSentEvent(json.dumps(delta), "content_block_delta")) == [
        StreamPart(text="x")
    ]
    assert parser.feed(ServerSentEvent('{"type": "ping"}', "ping")) == []
    with pytest.raises(ProviderError):
        parser.close()
