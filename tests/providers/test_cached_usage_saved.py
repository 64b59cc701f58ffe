"""Cached-token usage saved and priced: two sends of the same package through SendSession.

The second send's stable prefix (system prompt and package) is cached by the simulator, so
summary.json records the cached part of the input and bills it at ``price_cached_in`` (Anthropic's
cache writes at ``price_cache_write``); the CLI's progress line says how much input was cached.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fiedler_tui.commands.send import Progress
from fiedler_tui.core.budget import DryRunOptions
from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.runner import Finished, Timings, TokenCounts
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text
from fiedler_tui.core.store.summary import usage_cost
from fiedler_tui.tui.screens.review import usage_vs_estimate
from tests.support.sent_runs import send_to_end

PRICES = {"price_in": 2.0, "price_out": 8.0, "price_cached_in": 0.5, "price_cache_write": 2.5}
MODELS = [
    SimulatedModel(name=f"m-{kind}", kind=kind, script=ModelScript(reply="ok " * 10), **PRICES)
    for kind in ("openai", "anthropic", "gemini")
]


def test_usage_cost_bills_cached_and_written_input_at_their_prices() -> None:
    # 10,000 input of which 6,000 read from the cache and 1,000 written; 500 output
    spec = ModelSpec(name="m", provider="p", context_window=100_000, max_completion_tokens=1_000)
    priced = spec.model_copy(update=PRICES)
    cost = usage_cost(priced, 10_000, 500, cached_in=6_000, cache_write=1_000)
    assert cost == round((2.0 * 3_000 + 0.5 * 6_000 + 2.5 * 1_000 + 8.0 * 500) / 1e6, 6)
    plain = spec.model_copy(update={"price_in": 2.0, "price_out": 8.0})
    assert usage_cost(plain, 10_000, 500, cached_in=6_000) == round(
        (2.0 * 10_000 + 8.0 * 500) / 1e6, 6
    )  # no cache price: the input price


def test_cache_prices_are_validated_with_file_line_and_field() -> None:
    text = config_text(lambda kind, name: "http://127.0.0.1:1", MODELS[:1])
    bad = text.replace("price_cached_in: 0.5", "price_cached_in: -1")
    with pytest.raises(ConfigError) as caught:
        parse_config(bad, "models.yaml")
    [problem] = caught.value.problems
    assert re.fullmatch(r"models\.yaml:\d+: models\.m-openai\.price_cached_in: .+", problem)


async def send_once(config: Config, settings: Settings, root: Path, prompt: str) -> SendSession:
    return await send_to_end(
        config, settings, root, [m.name for m in MODELS], DryRunOptions(prompt=prompt)
    )


async def test_second_send_saves_and_prices_the_cached_prefix(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "big.py").write_text("value = compute(1, 2, 3)  # padding\n" * 300)
    settings = Settings(allowed_roots=(root,), output_dir=tmp_path / "runs")
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        config = parse_config(config_text(sim.base_url, MODELS), "sim")
        first = await send_once(config, settings, root, "Any bugs?")
        second = await send_once(config, settings, root, "Any typos?")
    assert first.run_path is not None and second.run_path is not None
    before = json.loads((first.run_path / "summary.json").read_text())["models"]
    after = json.loads((second.run_path / "summary.json").read_text())["models"]
    by_alias = {m["alias"]: m for m in after}
    first_by_alias = {m["alias"]: m for m in before}
    for alias, record in by_alias.items():
        cached = record["usage_cached_input"]
        assert cached and cached < record["usage_input"], alias
        assert record["usage_output_estimated"] is False
        written = record["usage_cache_write"] or 0
        expected = (
            2.0 * (record["usage_input"] - cached - written)
            + 0.5 * cached
            + 2.5 * written
            + 8.0 * record["usage_output"]
        ) / 1e6
        assert record["cost_usd"] == round(expected, 6), alias
        assert record["cost_usd"] < first_by_alias[alias]["cost_usd"], alias
    # the Review screen's usage column names the cached part; nothing when none was cached
    openai_record = by_alias["m-openai"]
    assert usage_vs_estimate(openai_record).endswith(
        f", {openai_record['usage_cached_input']:,} cached"
    )
    assert "cached" not in usage_vs_estimate(first_by_alias["m-openai"])
    anthropic_first = first_by_alias["m-anthropic"]
    assert anthropic_first["usage_cache_write"] == by_alias["m-anthropic"]["usage_cached_input"]
    assert not first_by_alias["m-openai"]["usage_cached_input"]


def test_the_progress_line_says_how_much_input_was_cached() -> None:
    lines: list[str] = []

    class Context:
        def err(self, text: str) -> None:
            lines.append(text)

    timings = Timings(queued_s=0, ttft_s=0.1, total_s=1.0, output_tokens_per_s=None)
    usage = TokenCounts(input_tokens=5_000, output_tokens=40, cached_input_tokens=4_096)
    estimated = TokenCounts(output_tokens=12, output_estimated=True)
    for counts in (usage, estimated):  # a model ends once: a new progress for each
        progress = Progress(Context(), ["m"])  # type: ignore[arg-type]
        progress.show(
            Finished(
                model="m",
                finish_reason="stop",
                raw_finish_reason="stop",
                text="x",
                usage=counts,
                timings=timings,
                retry_count=0,
            )
        )
    assert "done: 40 tokens (4,096 input tokens cached) in 1.0s" in lines[0]
    assert "done: ~12 tokens (est.) in 1.0s" in lines[1]
