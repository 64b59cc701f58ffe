"""The progress line of a send: each model's state, tokens so far, why it retries."""

from __future__ import annotations

from fiedler_tui.core.mcp_tools.progress import ProgressTracker
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo
from fiedler_tui.core.runner import (
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
    assert line.startswith("0/2 ended; a: streaming, 2 tokens so far; b: retrying in 2.0s: 429")
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
