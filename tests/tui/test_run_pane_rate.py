"""The Run pane's tokens/s: live while streaming, the runner's figure (or "–") once ended."""

from __future__ import annotations

from fiedler_tui.core.runner import Finished, FirstToken, Queued, TextDelta, Timings, TokenCounts
from fiedler_tui.tui.widgets.run_pane import PaneState


def finished(rate: float | None) -> Finished:
    return Finished(
        model="m",
        finish_reason="stop",
        raw_finish_reason="stop",
        text="x" * 400,
        usage=TokenCounts(input_tokens=10, output_tokens=100),
        timings=Timings(queued_s=0.0, ttft_s=0.1, total_s=1.0, output_tokens_per_s=rate),
        retry_count=0,
    )


def streamed_state() -> PaneState:
    state = PaneState(alias="m")
    state.apply(Queued(model="m", provider="p"), now=0.0)
    state.apply(FirstToken(model="m", ttft_s=0.1), now=0.1)
    state.apply(TextDelta(model="m", text="x" * 400), now=0.1)
    return state


def test_live_rate_needs_the_minimum_span() -> None:
    state = streamed_state()
    assert state.rate(now=0.2) is None
    assert state.rate(now=1.1) == 100.0
    assert "100 tok/s" in state.stats_text(now=1.1)


def test_an_ended_model_shows_the_runners_figure_or_a_dash() -> None:
    # The runner found the span too short: the pane shows "–", not its own screen-clock guess.
    state = streamed_state()
    state.apply(finished(None), now=2.0)
    assert state.rate(now=5.0) is None
    assert "  – tok/s  " in state.stats_text(now=5.0)
    assert "  – tok/s  " in state.stats_text(now=5.0, show_timings=False)
    state = streamed_state()
    state.apply(finished(87.4), now=2.0)
    assert "  87 tok/s  " in state.stats_text(now=5.0)
