"""OpenAI Chat Completions as captured in PROVIDERS.md §2.3-2.4 (also used for compatibles)."""

from __future__ import annotations

import time
from typing import Any

from fiedler_tui.core.simulator.script import Fault, FaultKind
from fiedler_tui.core.simulator.wire import Dialect, ErrorReply, WireStream, dumps, random_id

_FINISH = {"stop": "stop", "length": "length"}


class OpenAIStream(WireStream):
    def __init__(self, *, model: str, body: Any, input_tokens: int) -> None:
        super().__init__(model=model, body=body, input_tokens=input_tokens)
        self.id = "chatcmpl-" + random_id(29)
        self.created = int(time.time())
        self.request_id = "req_" + random_id(32)
        options = body.get("stream_options") if isinstance(body, dict) else None
        self.include_usage = isinstance(options, dict) and options.get("include_usage") is True

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("x-request-id", self.request_id), ("openai-processing-ms", "1"))

    def _chunk(self, choices: list[Any], **extra: Any) -> bytes:
        payload = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "fp_simulator",
            "choices": choices,
            **extra,
        }
        return f"data: {dumps(payload)}\n\n".encode()

    def opening(self) -> bytes:
        delta = {"role": "assistant", "content": "", "refusal": None}
        return self._chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])

    def thought(self, text: str) -> bytes:
        """``delta.reasoning_content``, as llama.cpp, vLLM and DeepSeek stream reasoning."""
        delta = {"content": None, "reasoning_content": text}
        return self._chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])

    def token(self, text: str) -> bytes:
        delta = {"content": text}
        return self._chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])

    def closing(self, *, finish: str, output_tokens: int, thought_tokens: int) -> bytes:
        reason = _FINISH.get(finish, finish)
        out = self._chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": reason}])
        if self.include_usage:
            completion = output_tokens + thought_tokens  # reasoning is part of completion
            usage = {
                "prompt_tokens": self.input_tokens,
                "completion_tokens": completion,
                "total_tokens": self.input_tokens + completion,
                "prompt_tokens_details": {"cached_tokens": self.cache.read, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": thought_tokens},
            }
            out += self._chunk([], usage=usage)
        return out + b"data: [DONE]\n\n"

    def error_event(self) -> bytes:
        error = {
            "message": "The server experienced an error while processing your request. "
            "We apologize for the inconvenience!",
            "type": "server_error",
            "param": None,
            "code": None,
        }
        return f"data: {dumps({'error': error})}\n\ndata: [DONE]\n\n".encode()

    def malformed(self) -> bytes:
        return b'data: {"id":"' + self.id.encode() + b'","object":"chat.completion.chunk","choi\n\n'


class OpenAIDialect(Dialect):
    name = "openai"

    def stream(self, *, model: str, body: Any, input_tokens: int) -> WireStream:
        return OpenAIStream(model=model, body=body, input_tokens=input_tokens)

    def prompt_text(self, body: Any) -> str:
        messages = body.get("messages") if isinstance(body, dict) else None
        texts: list[str] = []
        for message in messages or ():
            content = message.get("content", "") if isinstance(message, dict) else ""
            if isinstance(content, list):  # content parts
                texts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
            else:
                texts.append(str(content))
        return "".join(texts)

    def error(self, fault: Fault, model: str) -> ErrorReply:
        headers = _retry_headers(fault)
        if fault.kind is FaultKind.RATE_LIMIT:
            message = (
                f"Rate limit reached for {model} in organization org-simulator on tokens per min "
                "(TPM): Limit 30000, Used 22343, Requested 10955. Please try again in 6.596s. "
                "Visit https://platform.openai.com/account/rate-limits to learn more."
            )
            return _reply(429, message, "tokens", "rate_limit_exceeded", headers)
        if fault.kind is FaultKind.INSUFFICIENT_QUOTA:
            message = (
                "You exceeded your current quota, please check your plan and billing details. "
                "For more information on this error, read the docs: "
                "https://platform.openai.com/docs/guides/error-codes/api-errors."
            )
            return _reply(429, message, "insufficient_quota", "insufficient_quota", headers)
        if fault.kind is FaultKind.UNAUTHORIZED:
            message = (
                "Incorrect API key provided: sk-sim***. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            return _reply(401, message, "invalid_request_error", "invalid_api_key", headers)
        if fault.kind is FaultKind.NOT_FOUND:
            return self.not_found(model)
        if fault.kind is FaultKind.CONTEXT_LENGTH:
            message = (
                "This model's maximum context length is 4097 tokens. However, your messages "
                "resulted in 4294 tokens. Please reduce the length of the messages."
            )
            return _reply(
                400,
                message,
                "invalid_request_error",
                "context_length_exceeded",
                headers,
                "messages",
            )
        status = fault.status or 500
        message = "The server had an error while processing your request. Sorry about that!"
        return _reply(status, message, "server_error", None, headers)

    def not_found(self, model: str) -> ErrorReply:
        message = f"The model `{model}` does not exist or you do not have access to it."
        return _reply(404, message, "invalid_request_error", "model_not_found", ())


def _retry_headers(fault: Fault) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    if fault.retry_after_ms is not None:
        headers.append(("retry-after-ms", fault.retry_after_ms))
    if fault.retry_after is not None:
        headers.append(("retry-after", fault.retry_after))
    return (*headers, ("x-request-id", "req_" + random_id(32)), *fault.headers)


def _reply(
    status: int,
    message: str,
    kind: str,
    code: str | None,
    headers: tuple[tuple[str, str], ...],
    param: str | None = None,
) -> ErrorReply:
    error = {"message": message, "type": kind, "param": param, "code": code}
    return ErrorReply(status=status, body=dumps({"error": error}).encode(), headers=headers)
