"""Output tokens/s: given only over a span long enough to mean something, else None ("–")."""

from __future__ import annotations

from providers_support import run_models, sim_config

from fiedler_tui.core.runner import Runner
from fiedler_tui.core.runner.timings import MIN_RATE_SPAN_S, Stopwatch
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def stopwatch_for(arrivals: list[float], clock: Clock) -> Stopwatch:
    watch = Stopwatch(clock, submitted_at=clock.now)
    watch.mark_started()
    for offset in arrivals:
        clock.now = 100.0 + offset
        watch.mark_token()
    clock.now += 0.001
    return watch


def test_two_reads_microseconds_apart_give_no_figure() -> None:
    clock = Clock()
    # What was measured: 41 tokens in two reads 420 µs apart made "97,581 tok/s".
    assert stopwatch_for([0.5, 0.50042], clock).timings(41).output_tokens_per_s is None
    # The same answer in one read: no figure either (the same stream shape, the same result).
    assert stopwatch_for([0.5], clock).timings(41).output_tokens_per_s is None


def test_a_span_of_the_minimum_or_more_gives_tokens_over_the_span() -> None:
    clock = Clock()
    below = stopwatch_for([0.5, 0.5 + MIN_RATE_SPAN_S * 0.99], clock)
    assert below.timings(50).output_tokens_per_s is None
    at = stopwatch_for([0.5, 0.5 + MIN_RATE_SPAN_S], clock)
    assert at.timings(50).output_tokens_per_s == 50 / MIN_RATE_SPAN_S
    longer = stopwatch_for([0.5, 1.0, 2.5], clock)
    assert longer.timings(300).output_tokens_per_s == 150.0
    assert longer.timings(None).output_tokens_per_s is None


async def test_runs_too_short_to_measure_report_none_and_longer_ones_a_sane_figure() -> None:
    scripts = {
        # every token as fast as the server writes: reads microseconds apart
        "burst": ModelScript(reply="word " * 60),
        # paced, but over about 0.06 s: a plausible-looking figure, yet too short to say
        "brief": ModelScript(reply="word " * 4, tokens_per_s=50),
        # about 0.6 s of steady streaming at 100 tokens a second
        "steady": ModelScript(reply="word " * 60, tokens_per_s=100),
    }
    models = [SimulatedModel(name=name, script=script) for name, script in scripts.items()]
    async with Simulator(scripts) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, list(scripts))
    assert result.finished("burst").usage.output_tokens == 60
    assert result.finished("burst").timings.output_tokens_per_s is None
    assert result.finished("brief").timings.output_tokens_per_s is None
    rate = result.finished("steady").timings.output_tokens_per_s
    assert rate is not None
    # Never the absurd figures of a microsecond span (tens of thousands): near the server's pace
    # of 100, even if a busy machine delayed the first read (the span then shrinks).
    assert 0 < rate < 1000
