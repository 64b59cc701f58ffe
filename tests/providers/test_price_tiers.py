"""Long-context price tiers: chosen by the request's prompt tokens in the dry run's worst case and
in the cost a finished run saves, with cached input and cache writes at the tier's own prices,
and validated in models.yaml with ``file:line`` errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import load_config, parse_config
from fiedler_tui.core.config.prices import price_usage, prices_for
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.crosstalk import build_plan
from fiedler_tui.core.crosstalk.budget import deliberation_budget
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text
from fiedler_tui.core.tokens.counter import TokenCounter
from tests.crosstalk.support import KINDS, PACKAGE, QUESTION, priced_config
from tests.support.sent_runs import send_to_end

THRESHOLD = 1_000
TIER = {
    "above_input_tokens": THRESHOLD,
    "price_in": 4.0,
    "price_out": 16.0,
    "price_cached_in": 1.0,
    "price_cache_write": 5.0,
}
BASE = {"price_in": 2.0, "price_out": 8.0, "price_cached_in": 0.5, "price_cache_write": 2.5}
MODELS = [
    SimulatedModel(
        name=f"t-{kind}",
        kind=kind,
        script=ModelScript(reply="fine " * 12),
        price_tiers=(TIER,),
        **BASE,
    )
    for kind in ("openai", "anthropic", "gemini")
]


def spec(**changes: Any) -> ModelSpec:
    fields: dict[str, Any] = {
        "name": "m",
        "provider": "p",
        "context_window": 1_048_576,
        "max_completion_tokens": 10_000,
        "price_in": 1.25,
        "price_out": 10.0,
        "price_cached_in": 0.125,
        "price_tiers": [
            {"above_input_tokens": 200_000, "price_in": 2.5, "price_out": 15.0},
            {"above_input_tokens": 500_000, "price_in": 5.0, "price_out": 20.0},
        ],
        **changes,
    }
    return ModelSpec.model_validate(fields)


def test_the_tier_is_the_highest_whose_threshold_the_prompt_exceeds() -> None:
    model = spec()
    assert prices_for(model, 200_000).input == 1.25  # at the threshold: still the base
    above = prices_for(model, 200_001)
    assert (above.input, above.output, above.above_input_tokens) == (2.5, 15.0, 200_000)
    assert above.tier_label == "above 200,000 prompt tokens"
    assert prices_for(model, 900_000).output == 20.0
    # a tier's null cache prices are the tier's input price, not the base's cache price
    assert above.cached_input == 2.5 and prices_for(model, 10).cached_input == 0.125


def test_usage_is_priced_part_by_part_in_its_tier() -> None:
    model = spec()
    below = price_usage(model, 150_000, 2_000, cached_in=100_000, reasoning=500)
    assert below.parts() == {
        "input": round(1.25 * 50_000 / 1e6, 6),
        "cached_input": round(0.125 * 100_000 / 1e6, 6),
        "cache_write": 0.0,
        "output": round(10.0 * 1_500 / 1e6, 6),
        "reasoning": round(10.0 * 500 / 1e6, 6),
    }
    # the same split over the threshold: every part at the tier's prices (whole request)
    above = price_usage(model, 250_000, 2_000, cached_in=100_000, reasoning=500)
    assert above.total == pytest.approx((2.5 * 150_000 + 2.5 * 100_000 + 15.0 * 2_000) / 1e6)
    assert above.prices.above_input_tokens == 200_000


def test_the_shipped_gemini_pro_bills_long_prompts_at_its_tier() -> None:
    config = load_config(None)  # the packaged models.yaml
    pro = config.resolve("gemini-2.5-pro")
    assert prices_for(pro, 200_000).input == 1.25
    above = price_usage(pro, 250_000, 10_000, cached_in=100_000)
    assert above.total == pytest.approx((2.5 * 150_000 + 0.25 * 100_000 + 15.0 * 10_000) / 1e6)
    # every shipped Gemini model now has a cache price (they were null: billed at price_in)
    gemini = [m for m in config.models.values() if m.provider == "gemini"]
    assert gemini and all(m.price_cached_in is not None for m in gemini)


def dry_run(root: Path, model: ModelSpec) -> Any:
    with DryRunEngine(Settings(allowed_roots=(root,))) as engine:
        (budget,) = engine.run([root], [model], DryRunOptions(prompt="Review this.")).models
    return budget


def test_the_dry_run_worst_case_uses_the_tier_its_input_falls_in(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "code.py").write_text("total = add(1, 2)  # sum\n" * 200)
    flat = ModelSpec(
        name="m", provider="openai", context_window=100_000, max_completion_tokens=2_000
    )
    tokens = dry_run(root, flat).input_tokens
    tier = {"price_in": 3.0, "price_out": 30.0}
    at = dry_run(root, spec(**{"price_tiers": [{"above_input_tokens": tokens, **tier}]}))
    over = dry_run(root, spec(**{"price_tiers": [{"above_input_tokens": tokens - 1, **tier}]}))
    assert at.input_tokens == over.input_tokens == tokens
    assert at.price_tier is None
    assert at.cost_usd_max == pytest.approx((1.25 * tokens + 10.0 * 10_000) / 1e6)
    assert over.price_tier == tokens - 1
    assert over.cost_usd_max == pytest.approx((3.0 * tokens + 30.0 * 10_000) / 1e6)
    assert over.to_json()["price_tier"] == tokens - 1


def test_the_dry_run_command_names_the_tier_it_priced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app.py").write_text("def main():\n    return 42\n" * 20)
    tier = "    price_tiers:\n      - {above_input_tokens: %d, price_in: 2.5, price_out: 15}\n"
    config = tmp_path / "models.yaml"
    config.write_text(
        YAML.split("models:")[0]
        + "models:\n"
        + "".join(
            f"  {name}:\n    provider: p\n    context_window: 100000\n"
            f"    max_completion_tokens: 1000\n    price_in: 1.25\n    price_out: 10\n"
            + tier
            % threshold
            for name, threshold in (("short", 10), ("long", 90_000))
        )
    )
    monkeypatch.chdir(tmp_path)
    argv = ["--config", str(config), "dry-run", ".", "-m", "short", "-m", "long", "-p", "x"]
    assert main(argv) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert "(tier >10)" in rows["short"] and "tier" not in rows["long"]
    assert main([*argv, "--json"]) == 0
    models = {m["alias"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert (models["short"]["price_tier"], models["long"]["price_tier"]) == (10, None)
    tokens = models["short"]["input_tokens"]
    assert models["short"]["cost_usd_max"] == round((2.5 * tokens + 15 * 1000) / 1e6, 6)


async def send(config: Config, root: Path, tmp_path: Path, prompt: str) -> list[dict[str, Any]]:
    settings = Settings(allowed_roots=(root,), output_dir=tmp_path / "runs")
    session = await send_to_end(
        config, settings, root, [m.name for m in MODELS], DryRunOptions(prompt=prompt)
    )
    assert session.run_path is not None
    return list(json.loads((session.run_path / "summary.json").read_text())["models"])


def billed(record: dict[str, Any], prices: dict[str, Any]) -> float:
    cached = record["usage_cached_input"] or 0
    written = record["usage_cache_write"] or 0
    dollars = (
        prices["price_in"] * (record["usage_input"] - cached - written)
        + prices["price_cached_in"] * cached
        + prices["price_cache_write"] * written
        + prices["price_out"] * record["usage_output"]
    )
    return round(dollars / 1e6, 6)


async def test_the_saved_cost_is_what_the_usage_says_below_and_above_the_tier(
    tmp_path: Path,
) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    for folder in (small, large):
        folder.mkdir()
    (small / "a.py").write_text("x = 1\n")
    (large / "a.py").write_text("value = compute(1, 2, 3)  # padding\n" * 300)
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        config = parse_config(config_text(sim.base_url, MODELS), "sim")
        below = await send(config, small, tmp_path, "Any bugs?")
        above = await send(config, large, tmp_path, "Any bugs?")
        cached = await send(config, large, tmp_path, "Any typos?")
    for record in below:
        assert record["usage_input"] <= THRESHOLD, record["alias"]
        assert record["price_tier"] is None
        assert record["cost_usd"] == billed(record, BASE), record["alias"]
    for record in [*above, *cached]:
        assert record["usage_input"] > THRESHOLD, record["alias"]
        assert record["price_tier"] == THRESHOLD
        assert record["cost_usd"] == billed(record, TIER), record["alias"]
        parts = record["cost_parts"]
        assert set(parts) == {"input", "cached_input", "cache_write", "output", "reasoning"}
        assert sum(parts.values()) == pytest.approx(record["cost_usd"], abs=1e-5)
    # the repeated package is read from the cache at the tier's cached price (every format),
    # and Anthropic's first send wrote it at the tier's cache-write price
    for record in cached:
        assert record["usage_cached_input"], record["alias"]
        assert record["cost_parts"]["cached_input"] == round(
            1.0 * record["usage_cached_input"] / 1e6, 6
        )
    anthropic = next(r for r in above if r["alias"] == "t-anthropic")
    assert anthropic["usage_cache_write"]
    assert anthropic["cost_parts"]["cache_write"] == round(
        5.0 * anthropic["usage_cache_write"] / 1e6, 6
    )


YAML = """\
version: 1
providers:
  p:
    kind: gemini
    base_url: http://127.0.0.1:1/v1beta
    requires_key: false
models:
  m:
    provider: p
    context_window: 1048576
    max_completion_tokens: 8192
    price_in: 1.25
    price_out: 10.0
    price_tiers:
      - above_input_tokens: 200000
        price_in: 2.5
        price_out: 15.0
        price_cached_in: 0.25
"""


def test_tiers_load_from_models_yaml() -> None:
    model = parse_config(YAML, "models.yaml").resolve("m")
    [tier] = model.price_tiers
    assert (tier.above_input_tokens, tier.price_cached_in, tier.price_cache_write) == (
        200_000,
        0.25,
        None,
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: (
                t + "      - above_input_tokens: 100000\n        price_in: 2\n"
                "        price_out: 9\n"
            ),
            r"models\.yaml:19: models\.m\.price_tiers\.1\.above_input_tokens: must be larger "
            r"than the previous tier's \(100,000 <= 200,000\); .+",
        ),
        (
            lambda t: t.replace("context_window: 1048576", "context_window: 200000"),
            r"models\.yaml:15: models\.m\.price_tiers\.0\.above_input_tokens: no prompt can "
            r"exceed it: context_window is 200,000; .+",
        ),
        (
            lambda t: t.replace("price_out: 15.0", "price_out: -15"),
            r"models\.yaml:17: models\.m\.price_tiers\.0\.price_out: must not be negative",
        ),
        (
            lambda t: t.replace("price_cached_in: 0.25", "price_cache_read: 0.25"),
            r"models\.yaml:18: models\.m\.price_tiers\.0\.price_cache_read: unknown key",
        ),
        (
            lambda t: t.replace("        price_in: 2.5\n", ""),
            r"models\.yaml:15: models\.m\.price_tiers\.0\.price_in: is required",
        ),
    ],
    ids=["out-of-order", "beyond-window", "negative", "unknown-key", "missing-price"],
)
def test_bad_tiers_are_reported_with_file_line_and_field(edit: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(edit(YAML), "models.yaml")
    [problem] = caught.value.problems
    assert re.fullmatch(expected, problem), problem


def test_a_deliberations_later_rounds_cross_into_the_tier(tmp_path: Path) -> None:
    def budget(tiers: tuple[dict[str, Any], ...]) -> Any:
        config = priced_config(**{name: {"price_tiers": tiers} for name in KINDS})
        plan = build_plan(
            config,
            paradigm="debate",
            members=list(KINDS),
            question=QUESTION,
            package_text=PACKAGE,
            roots=AllowedRoots.of([tmp_path]),
            rounds=2,
        )
        with TokenCounter(Settings.from_env()) as counter:
            return deliberation_budget(config, plan, counter, None)

    flat = budget(())
    first = max(t.input_tokens for t in flat.steps[0].turns)
    assert min(t.input_tokens for t in flat.steps[1].turns) > first + 2_000
    tier = {"above_input_tokens": first + 1_000, "price_in": 40.0, "price_out": 80.0}
    tiered = budget((dict(tier, price_cached_in=4.0),))
    for before, after in zip(flat.steps[0].turns, tiered.steps[0].turns, strict=True):
        assert after.cost_usd_max == pytest.approx(before.cost_usd_max)  # below: base prices
    for turn in tiered.steps[1].turns:  # above: the tier's, and its cache saving
        assert turn.cost_usd_max == pytest.approx((turn.input_tokens * 40 + 1000 * 80) / 1e6)
    saved = [
        t.cache_discount_usd / f.cache_discount_usd
        for t, f in zip(tiered.steps[1].turns, flat.steps[1].turns, strict=True)
    ]
    assert saved == pytest.approx([36 / 9] * 3)
