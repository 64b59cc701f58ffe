"""The providers' count endpoints, simulated: each answers in its wire format, deterministically.

- Anthropic ``POST …/v1/messages/count_tokens`` -> ``{"input_tokens": N}``
- Gemini ``POST …/v1beta/models/{id}:countTokens`` (either body form) -> ``{"totalTokens": N}``
- llama.cpp ``POST …/apply-template`` -> ``{"prompt": <the messages' texts joined>}`` and
  ``POST …/tokenize`` with ``content`` -> ``{"tokens": [N ids]}``
- vLLM ``POST …/tokenize`` with ``messages`` -> ``{"count": N, "max_model_len": 0, "tokens": […]}``

N is the simulator's own count of the same text a send of that request reports as its input
(``script.count_tokens`` of the dialect's prompt text), so a count and the usage of the send that
follows agree. A model's ``count_fault`` (see ``ModelScript``) fails every count of it: an
``http`` or error fault answers in the dialect's shape, a ``stall`` keeps silent. llama.cpp's
endpoints name no model: they use the simulator's default script, else its only or first one.
A simulator built with ``tokenize="vllm"`` has no ``/apply-template`` (404), as vLLM.
"""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.simulator.http11 import Responder
from fiedler_tui.core.simulator.script import Fault, FaultKind, ModelScript, count_tokens
from fiedler_tui.core.simulator.wire import Dialect


async def answer_count(
    responder: Responder,
    dialect: Dialect,
    model: str,
    script: ModelScript | None,
    payload: dict[str, Any],
    *,
    check_model: bool = True,
) -> None:
    """Send ``payload`` unless the model is unknown or its script fails counts."""
    if script is None and check_model:
        reply = dialect.not_found(model)
        await responder.send(reply.status, reply.body, headers=reply.headers)
        return
    fault = script.count_fault if script is not None else None
    if fault is not None and await _play_fault(responder, dialect, model, fault):
        return
    await responder.send_json(200, payload)


async def _play_fault(responder: Responder, dialect: Dialect, model: str, fault: Fault) -> bool:
    """True when the fault answered (or the client left)."""
    if fault.kind is FaultKind.STALL:
        return not await responder.pause(fault.stall_s)
    if fault.kind is FaultKind.HTTP:
        body = (fault.body or "").encode()
        await responder.send(fault.status or 500, body, headers=fault.headers)
        return True
    reply = dialect.error(fault, model)
    await responder.send(
        reply.status, reply.body, content_type=reply.content_type, headers=reply.headers
    )
    return True


def gemini_count_body(body: Any) -> Any:
    """The generate request inside a countTokens body (``generateContentRequest`` or bare)."""
    if isinstance(body, dict) and isinstance(body.get("generateContentRequest"), dict):
        return body["generateContentRequest"]
    return body


def tokenize_answer(body: Any, text_of_messages: str) -> dict[str, Any] | None:
    """llama.cpp's answer for ``content``, vLLM's for ``messages``; None for neither."""
    if not isinstance(body, dict):
        return None
    content = body.get("content")
    if isinstance(content, str):
        return {"tokens": list(range(count_tokens(content)))}
    if isinstance(body.get("messages"), list):
        count = count_tokens(text_of_messages)
        return {"count": count, "max_model_len": 0, "tokens": list(range(count))}
    return None
