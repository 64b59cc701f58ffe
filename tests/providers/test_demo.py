"""The demo environment: ordinary models.yaml text pointing at the simulator, models of different
speeds, one that is rate limited once and then answers."""

from __future__ import annotations

from providers_support import RecordingSleep, run_models

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.runner import Retrying, Runner
from fiedler_tui.core.simulator import DemoEnvironment


async def test_demo_models_all_answer_and_one_retries(recording_sleep: RecordingSleep) -> None:
    async with DemoEnvironment() as demo:
        config = demo.config
        assert {p.kind for p in config.providers.values()} == {
            "openai",
            "anthropic",
            "gemini",
            "openai-compatible",
        }
        assert (
            parse_config(demo.config_text, "demo text").providers.keys() == config.providers.keys()
        )
        names = list(config.models)
        async with Runner(config, demo.keys, sleep=recording_sleep) as runner:
            result = await run_models(runner, names)
    for name in names:
        assert result.finished(name).text, name
    [retrying] = result.of_type("demo-busy", Retrying)
    assert retrying.delay_s == 2.0
    assert recording_sleep.delays == [2.0]
    assert result.finished("demo-busy").retry_count == 1
