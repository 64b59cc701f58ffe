"""Budget arithmetic at the boundary, cost and the spend cap, the api extension point."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from fiedler_tui.core.budget import (
    BudgetStatus,
    DryRunEngine,
    DryRunOptions,
    SendBlockedError,
    budget_status,
)
from fiedler_tui.core.config.prices import worst_case_cost
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.settings import Settings
from tests.dryrun.conftest import write


def test_status_thresholds() -> None:
    assert budget_status(900, 1000) is BudgetStatus.FITS  # exactly 90 %
    assert budget_status(901, 1000) is BudgetStatus.NEAR
    assert budget_status(1000, 1000) is BudgetStatus.NEAR  # exactly full still fits
    assert budget_status(1001, 1000) is BudgetStatus.OVER


def test_exactly_full_fits_and_one_more_is_over(
    root: Path, engine: DryRunEngine, make_model: Callable[..., ModelSpec]
) -> None:
    write(root / "big.py", "print('hello world')\n" * 200)
    write(root / "small.py", "x = 1\n")
    probe = engine.run([root], [make_model()], DryRunOptions(prompt="p"))
    input_tokens = probe.models[0].input_tokens

    full = make_model(context_window=input_tokens + 1_000)
    (budget,) = engine.run([root], [full], DryRunOptions(prompt="p")).models
    assert budget.total_tokens == budget.context_window
    assert budget.fits and budget.status is BudgetStatus.NEAR
    assert budget.tokens_to_remove == 0 and budget.largest_files == ()

    one_over = make_model(context_window=input_tokens + 999)
    result = engine.run([root], [one_over], DryRunOptions(prompt="p"))
    (budget,) = result.models
    assert not budget.fits and budget.status is BudgetStatus.OVER
    assert budget.tokens_to_remove == 1
    assert [f.path for f in budget.largest_files] == ["big.py", "small.py"]
    assert budget.largest_files[0].tokens > budget.largest_files[1].tokens
    assert not result.sendable
    assert "remove 1 token (largest files: big.py" in result.blockers[0].message
    with pytest.raises(SendBlockedError) as info:
        result.raise_for_blockers()
    assert info.value.exit_code == 3


def test_completion_override_and_cost(
    root: Path, engine: DryRunEngine, make_model: Callable[..., ModelSpec]
) -> None:
    write(root / "a.txt", "hello\n")
    model = make_model(price_in=2.0, price_out=8.0)
    result = engine.run([root], [model], DryRunOptions(prompt="p", max_completion_tokens=500))
    (budget,) = result.models
    assert budget.completion_reserve == 500
    expected = (2.0 * budget.input_tokens + 8.0 * 500) / 1_000_000
    assert budget.cost_usd_max == pytest.approx(expected)
    assert worst_case_cost(model, 1_000_000, 1_000_000) == pytest.approx(10.0)
    assert result.total_cost_usd_max == pytest.approx(expected)


def test_spend_cap_refuses(root: Path, make_model: Callable[..., ModelSpec]) -> None:
    write(root / "a.txt", "hello\n")
    model = make_model(price_out=8.0, max_completion_tokens=100_000, context_window=200_000)
    capped = Settings(allowed_roots=(root,), max_cost_usd=0.5)
    with DryRunEngine(capped) as engine:
        result = engine.run([root], [model, model.model_copy(update={"name": "twin"})])
    assert result.total_cost_usd_max > 0.5
    assert any("FIEDLER_MAX_COST_USD=0.5" in b.message for b in result.blockers)


class FixedCounter:
    """Stands in for a provider count endpoint (the provider core supplies the real one)."""

    def __init__(self) -> None:
        self.requests: list[ReviewRequest] = []

    def wants(self, model: ModelSpec) -> bool:
        return model.tokenizer is None

    def count_many(
        self, models: Sequence[ModelSpec], request: ReviewRequest
    ) -> dict[str, int | str]:
        self.requests.append(request)
        counts: dict[str, int | str] = {m.name: 4242 for m in models if m.tokenizer is None}
        if "gemini" in counts:
            counts["gemini"] = "count endpoint failed: 401 bad key"
        return counts


def test_api_counts_are_labelled_api(
    root: Path, settings: Settings, make_model: Callable[..., ModelSpec]
) -> None:
    write(root / "a.txt", "hello\n")
    api = FixedCounter()
    claude = make_model(name="claude", provider="anthropic", tokenizer=None, estimate_factor=1.6)
    gemini = make_model(
        name="gemini",
        provider="gemini",
        tokenizer=None,
        estimate_factor=1.2,
        estimate_band=(1, 1.4),
    )
    with DryRunEngine(settings, api_counter=api) as engine:
        result = engine.run([root], [claude, gemini, make_model()], DryRunOptions(prompt="p"))
    by_name = {m.alias: m for m in result.models}
    assert by_name["claude"].count_method == "api"
    assert by_name["claude"].input_tokens == 4242
    assert by_name["test-model"].count_method == "exact"
    assert by_name["gemini"].count_label == "estimate (count endpoint failed: 401 bad key)"
    assert by_name["gemini"].input_tokens != 4242
    assert len(api.requests) == 1  # every model asked in one batch
    assert api.requests[0].user_message == result.request().user_message


def test_a_reserve_too_large_is_advised_lower(
    root: Path, engine: DryRunEngine, make_model: Callable[..., ModelSpec]
) -> None:
    """Over budget because of --max-completion-tokens: the advice is to lower it (to the
    model's own when that fits, else to what fits), besides the files; over because of the
    files, only the files."""
    write(root / "big.py", "print('hello world')\n" * 200)
    model = make_model(context_window=10_000, max_completion_tokens=1_000)
    too_much = DryRunOptions(prompt="p", max_completion_tokens=50_000)
    (budget,) = (result := engine.run([root], [model], too_much)).models
    assert budget.reserve_to_fit == 1_000
    [message] = [b.message for b in result.blockers]
    assert (
        "lower --max-completion-tokens to 1,000 (its models.yaml max_completion_tokens), "
        f"or remove {budget.tokens_to_remove:,} tokens (largest files: big.py" in message
    )
    roomy = model.model_copy(update={"max_completion_tokens": 20_000})
    (budget,) = (result := engine.run([root], [roomy], DryRunOptions(prompt="p"))).models
    room = 10_000 - budget.input_tokens
    assert budget.reserve_to_fit == room
    assert f"lower --max-completion-tokens to {room:,}, or remove" in result.blockers[0].message
    small = make_model(context_window=budget.input_tokens + 500, max_completion_tokens=1_000)
    (budget,) = (result := engine.run([root], [small], DryRunOptions(prompt="p"))).models
    assert budget.reserve_to_fit is None and budget.input_tokens > 1_000
    assert "max-completion-tokens" not in result.blockers[0].message
    assert budget.to_json()["reserve_to_fit"] is None
