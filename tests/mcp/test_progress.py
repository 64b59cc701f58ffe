"""The progress line of a send: each model's state, tokens so far, why it retries; over stdio
with the SDK's client, a token count that grows while a model streams and ends at its usage."""

from __future__ import annotations

import re

from fiedler_tui.core.mcp_tools.progress import ProgressTracker
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    Started,
    TextDelta,
    TokenCounts,
)
from fiedler_tui.core.runner.events import Timings
from tests.mcp.conftest import STEADY_REPLY, McpWorld

TOLERANCE = (0.5, 1.5)
"""How far the streaming estimate (characters / 4) may be from the provider's count."""


def test_the_line_follows_each_model() -> None:
    tracker = ProgressTracker(["a", "b"])
    assert tracker.message() == "0/2 ended; a: queued; b: queued"
    timings = Timings(queued_s=0.0, ttft_s=0.1, total_s=1.0, output_tokens_per_s=None)
    error = ErrorInfo(code=ErrorCode.RATE_LIMITED, message="slow down " * 40, provider="p")
    for event in (
        Queued(model="a", provider="p"),
        Started(model="a", attempt=1),
        FirstToken(model="a", ttft_s=0.1),
        TextDelta(model="a", text="one"),
        TextDelta(model="a", text=" two"),
        Retrying(model="b", attempt=1, delay_s=2.0, reason="429 " + "too many " * 40, error=error),
    ):
        tracker.handle(event)
    line = tracker.message()
    assert line.startswith(
        "0/2 ended; a: streaming, ~2 tokens so far (estimate); b: retrying in 2.0s: 429"
    )
    assert len(line) < 260  # a long reason is cut
    version = tracker.version
    tracker.handle(
        Finished(
            model="a",
            finish_reason="stop",
            raw_finish_reason="stop",
            text="one two",
            usage=TokenCounts(input_tokens=5, output_tokens=2),
            timings=timings,
            retry_count=0,
        )
    )
    tracker.handle(
        Failed(model="b", error=error, partial_text="", usage=TokenCounts(), timings=timings)
    )
    assert tracker.version == version + 2
    assert tracker.message().startswith("2/2 ended; a: done (2 tokens); b: failed: [rate_limited]")


def test_a_count_the_provider_never_reported_stays_marked_as_an_estimate() -> None:
    tracker = ProgressTracker(["a"])
    tracker.handle(TextDelta(model="a", text="x" * 41))
    assert tracker.message() == "0/1 ended; a: streaming, ~11 tokens so far (estimate)"
    timings = Timings(queued_s=0.0, ttft_s=0.1, total_s=1.0, output_tokens_per_s=None)
    usage = TokenCounts(output_tokens=11, output_estimated=True)
    tracker.handle(Cancelled(model="a", partial_text="x" * 41, timings=timings, usage=usage))
    assert tracker.message() == "1/1 ended; a: cancelled (~11 tokens, estimate)"


async def test_progress_counts_tokens_that_grow_and_end_at_the_reported_usage(
    mcp_world: McpWorld,
) -> None:
    messages: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")

    async with mcp_world.client() as client:
        called = await client.call_tool(
            "fiedler_send",
            {"prompt": "go on", "models": ["steady"]},
            progress_callback=on_progress,
        )
    assert not called.is_error, called.content
    usage = (called.structured_content or {})["models"][0]["output_tokens"]
    assert usage == len(STEADY_REPLY.split())  # the simulator reports a token per word
    streaming = [
        int(m.group(1).replace(",", ""))
        for m in map(
            re.compile(r"steady: streaming, ~([\d,]+) tokens so far \(estimate\)").search, messages
        )
        if m
    ]
    assert len(streaming) >= 3 and streaming == sorted(streaming) and streaming[-1] > streaming[0]
    low, high = TOLERANCE
    assert low * usage <= streaming[-1] <= high * usage
    assert f"steady: done ({usage:,} tokens)" in messages[-1]
