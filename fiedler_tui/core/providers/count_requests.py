"""Count requests: the provider's own count of a request's input, built from the send request.

Each count body is derived from the very :class:`WireRequest` the adapter builds for the send
(same system prompt, messages and package blocks), so what is counted can never drift from what
is sent. Pure functions; the HTTP exchange lives in :mod:`fiedler_tui.core.providers.counting`.

- Anthropic: ``POST {base}/v1/messages/count_tokens`` with the send body less ``max_tokens``,
  ``stream`` and ``temperature``; the answer is ``{"input_tokens": N}``.
- Gemini: ``POST {base}/models/{id}:countTokens`` with ``{"generateContentRequest": {...}}`` (the
  form that counts the system instruction too); the answer is ``{"totalTokens": N}``.
- openai-compatible servers (llama.cpp, vLLM), at the server root (``base_url`` less ``/v1``):
  llama.cpp's ``POST /apply-template`` with the chat messages, then ``POST /tokenize`` with the
  templated text (``add_special``), whose token list is the prompt's count; vLLM's
  ``POST /tokenize`` with the messages (``add_generation_prompt``) answers ``{"count": N}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fiedler_tui.core.config.schema import ProviderKind
from fiedler_tui.core.providers.base import WireRequest, int_or_none, join_url
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.registry import adapter_for
from fiedler_tui.core.request import ReviewRequest

COUNTABLE_KINDS = frozenset(
    {ProviderKind.ANTHROPIC, ProviderKind.GEMINI, ProviderKind.OPENAI_COMPATIBLE}
)
"""Kinds with a count endpoint (OpenAI's own models are counted exactly offline)."""
_SEND_ONLY_FIELDS = ("max_tokens", "stream", "temperature")


def _json_headers(wire: WireRequest) -> dict[str, str]:
    headers = dict(wire.headers)
    headers["accept"] = "application/json"
    return headers


def server_root(base_url: str) -> str:
    """An openai-compatible server's root: ``base_url`` without its trailing ``/v1``."""
    base = base_url.rstrip("/")
    return base.removesuffix("/v1")


def anthropic_count(profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
    send = adapter_for(ProviderKind.ANTHROPIC).build(profile, request, key)
    body = {k: v for k, v in send.json.items() if k not in _SEND_ONLY_FIELDS}
    url = join_url(profile.provider.base_url, "/v1/messages/count_tokens")
    return WireRequest(method="POST", url=url, headers=_json_headers(send), json=body)


def gemini_count(profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
    send = adapter_for(ProviderKind.GEMINI).build(profile, request, key)
    model = profile.wire_id.removeprefix("models/")
    inner: dict[str, Any] = {"model": f"models/{model}"}
    inner.update({k: v for k, v in send.json.items() if k != "generationConfig"})
    url = join_url(profile.provider.base_url, f"/models/{quote(model, safe='-._~')}:countTokens")
    return WireRequest(
        method="POST",
        url=url,
        headers=_json_headers(send),
        json={"generateContentRequest": inner},
    )


def chat_messages_of(
    profile: ModelProfile, request: ReviewRequest, key: str | None
) -> tuple[list[Any], dict[str, str]]:
    """The messages and headers of the openai-style send request."""
    send = adapter_for(ProviderKind.OPENAI_COMPATIBLE).build(profile, request, key)
    return list(send.json["messages"]), _json_headers(send)


def llama_template(profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
    messages, headers = chat_messages_of(profile, request, key)
    url = server_root(profile.provider.base_url) + "/apply-template"
    return WireRequest(method="POST", url=url, headers=headers, json={"messages": messages})


def llama_tokenize(template: WireRequest, prompt: str) -> WireRequest:
    """The ``/tokenize`` request for the text ``template`` (an ``/apply-template``) returned."""
    url = template.url.removesuffix("/apply-template") + "/tokenize"
    body = {"content": prompt, "add_special": True}
    return WireRequest(method="POST", url=url, headers=dict(template.headers), json=body)


def vllm_tokenize(profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
    messages, headers = chat_messages_of(profile, request, key)
    url = server_root(profile.provider.base_url) + "/tokenize"
    body = {"model": profile.wire_id, "messages": messages, "add_generation_prompt": True}
    return WireRequest(method="POST", url=url, headers=headers, json=body)


def parse_count(kind: ProviderKind, data: Any) -> int | None:
    """The input tokens in a count answer, or None when the answer is not the expected shape."""
    if not isinstance(data, dict):
        return None
    if kind is ProviderKind.ANTHROPIC:
        return int_or_none(data.get("input_tokens"))
    if kind is ProviderKind.GEMINI:
        return int_or_none(data.get("totalTokens"))
    count = int_or_none(data.get("count"))
    if count is not None:
        return count
    tokens = data.get("tokens")
    return len(tokens) if isinstance(tokens, list) else None


def parse_template(data: Any) -> str | None:
    """The templated prompt of a llama.cpp ``/apply-template`` answer."""
    prompt = data.get("prompt") if isinstance(data, dict) else None
    return prompt if isinstance(prompt, str) else None
