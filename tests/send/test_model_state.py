"""Core's one reducer of a model's events (ModelState), and the front ends that word it: the
Run screen's pane, the MCP progress line and the CLI's progress lines all show the state it
derives, over the same event sequences."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.send import Progress
from fiedler_tui.core.mcp_tools.progress import ProgressTracker
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
    TextDelta,
    ThinkingDelta,
    Timings,
    TokenCounts,
    Usage,
)
from fiedler_tui.core.runner.model_state import ModelState, ModelStatus
from fiedler_tui.core.send.recorder import saved_status
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.widgets.run_pane import PaneState

M = "gpt"
TIMINGS = Timings(queued_s=0.0, ttft_s=0.5, total_s=2.0, output_tokens_per_s=40.0)
LIMITED = ErrorInfo(
    code=ErrorCode.RATE_LIMITED, message="slow down", provider="openai", http_status=429
)
LOST = ErrorInfo(code=ErrorCode.NETWORK, message="connection lost", provider="openai")


def retried_then_failed() -> list[RunEvent]:
    return [
        Queued(model=M, provider="openai"),
        Started(model=M, attempt=1),
        Retrying(model=M, attempt=2, delay_s=1.5, reason="rate_limited: slow down", error=LIMITED),
        Started(model=M, attempt=2),
        ThinkingDelta(model=M, text="let me see"),
        FirstToken(model=M, ttft_s=0.8),
        TextDelta(model=M, text="half an ans"),
        Usage(model=M, input_tokens=100, output_tokens=None),
        Failed(
            model=M,
            error=LOST,
            partial_text="half an ans",
            usage=TokenCounts(input_tokens=100, output_tokens=3, output_estimated=True),
            timings=TIMINGS,
        ),
    ]


def streamed_then_done() -> list[RunEvent]:
    return [
        Queued(model=M, provider="openai"),
        Started(model=M, attempt=1),
        FirstToken(model=M, ttft_s=0.4),
        TextDelta(model=M, text="All "),
        Usage(model=M, input_tokens=100, output_tokens=1),
        TextDelta(model=M, text="good."),
        Finished(
            model=M,
            finish_reason="stop",
            raw_finish_reason="stop",
            text="All good.",
            usage=TokenCounts(input_tokens=100, output_tokens=3, cached_input_tokens=60),
            timings=TIMINGS,
            retry_count=0,
        ),
    ]


def states(events: list[RunEvent]) -> Iterator[tuple[RunEvent, ModelState, bool]]:
    state = ModelState(M)
    for event in events:
        changed = state.apply(event)
        yield event, state, changed


def test_a_retried_model_that_fails_goes_through_every_state() -> None:
    seen = [(state.status, changed) for _, state, changed in states(retried_then_failed())]
    assert seen == [
        (ModelStatus.QUEUED, True),
        (ModelStatus.REQUESTING, True),
        (ModelStatus.RETRYING, True),
        (ModelStatus.REQUESTING, True),
        (ModelStatus.REQUESTING, False),  # thinking text changes nothing shown
        (ModelStatus.STREAMING, True),
        (ModelStatus.STREAMING, True),
        (ModelStatus.STREAMING, False),  # a usage update without output tokens
        (ModelStatus.FAILED, True),
    ]
    *_, (_, state, _) = states(retried_then_failed())
    assert state.ended and state.provider == "openai" and state.attempt == 2
    assert state.retries == 1 and state.retry_delay_s is None and state.error == LOST
    assert state.chars == len("half an ans") and state.ttft_s == 0.5  # the runner's own
    assert state.output_tokens is None  # the terminal estimate is not a reported count
    assert state.final_usage is not None and state.final_usage.output_estimated
    assert (state.total_s, state.tokens_per_s) == (2.0, 40.0)


def test_reported_tokens_and_a_late_cancel() -> None:
    *_, (_, state, _) = states(streamed_then_done())
    assert state.status is ModelStatus.DONE and state.output_tokens == 3 and state.retries == 0
    cut = ModelState(M)
    for event in streamed_then_done()[:4]:
        cut.apply(event)
    cut.end_unfinished(ModelStatus.CANCELLED)
    assert cut.status is ModelStatus.CANCELLED and cut.chars == 4
    cut.end_unfinished(ModelStatus.FAILED)  # an ended model stays as it ended
    assert cut.status is ModelStatus.CANCELLED
    stopped = ModelState(M)
    stopped.apply(Queued(model=M, provider="openai"))
    stopped.apply(Cancelled(model=M, partial_text="", timings=TIMINGS))
    assert stopped.status is ModelStatus.CANCELLED and stopped.final_usage == TokenCounts()


@pytest.mark.parametrize("events", [retried_then_failed(), streamed_then_done()])
def test_the_pane_and_the_summary_show_the_reducers_status(events: list[RunEvent]) -> None:
    pane = PaneState(M)
    words = []
    for now, (event, state, _) in enumerate(states(events)):
        pane.apply(event, float(now))
        assert pane.status == state.status.value
        assert (pane.retries, pane.attempt, pane.ended) == (
            state.retries,
            state.attempt,
            state.ended,
        )
        words.append(saved_status(state.status))
    assert words[:2] == ["queued", "running"]  # the summary's word for a request on its way
    assert words[-1] in {"done", "failed"}


def test_the_mcp_line_words_the_same_states() -> None:
    tracker = ProgressTracker([M])
    lines = []
    for event in retried_then_failed():
        before = tracker.version
        tracker.handle(event)
        if tracker.version != before:
            lines.append(tracker.message())
    assert lines == [
        "0/1 ended; gpt: queued",
        "0/1 ended; gpt: started",
        "0/1 ended; gpt: retrying in 1.5s: rate_limited: slow down",
        "0/1 ended; gpt: attempt 2",
        "0/1 ended; gpt: streaming, ~0 tokens so far (estimate)",
        "0/1 ended; gpt: streaming, ~3 tokens so far (estimate)",
        "1/1 ended; gpt: failed (~3 tokens, estimate): [network] connection lost",
    ]


def cli_lines(events: list[RunEvent]) -> list[str]:
    """What ``fiedler send`` prints on stderr for these events, without the elapsed time."""
    stderr = io.StringIO()
    progress = Progress(CommandContext(Settings(), stderr=stderr), [M])
    for event in events:
        progress.show(event)
    return [line.split("] ", 1)[1] for line in stderr.getvalue().splitlines()]


def test_the_cli_prints_a_line_per_state_change() -> None:
    assert cli_lines(retried_then_failed()) == [
        "gpt  queued (openai)",
        "gpt  retrying in 1.5s: rate_limited: slow down",
        "gpt  attempt 2",
        "gpt  streaming (first token after 0.80s)",
        "gpt  failed [network] connection lost; kept 11 chars",
    ]
    assert cli_lines(streamed_then_done())[-1] == (
        "gpt  done: 3 tokens (60 input tokens cached) in 2.0s, 40 tok/s"
    )
