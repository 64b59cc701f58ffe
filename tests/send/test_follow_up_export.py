"""A followed-up run's report (``fiedler runs export``, Review ``e``): every turn as a thread, each
turn's question (or that it was not saved), then each model's answer in it, in Markdown and
HTML; the cost is the whole run's, listed per turn (as ``fiedler runs`` lists it)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fiedler_tui.core.export.write import export_run
from fiedler_tui.core.followup.conversation import plan_follow_up
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.store.run_store import RunStore

from .conftest import SendWorld, make_world
from .test_follow_up import PROMPT, cli, first_run, follow_up

FAST = "fast-turn-answer. " * 5
CLAUDE = "claude-turn-answer. " * 4


@pytest.fixture
async def priced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SendWorld]:
    models = [
        SimulatedModel(name="fast", script=ModelScript(reply=FAST), price_in=30, price_out=60),
        SimulatedModel(
            name="claude", kind="anthropic", script=ModelScript(reply=CLAUDE), price_in=15
        ),
    ]
    async for built in make_world(tmp_path, models):
        built.point_here(monkeypatch)
        yield built


async def test_the_report_of_a_followed_up_run_is_its_thread(
    priced: SendWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_SAVE_PROMPT", "1")
    info = await first_run(priced, ["fast", "claude"])
    await follow_up(plan_follow_up(info, "canary-q2: and\nthe tests?", ["fast"]))
    monkeypatch.setenv("FIEDLER_SAVE_PROMPT", "0")  # turn 3's question is kept as its hash
    info = RunStore(info.path.parent).find(info.run_id)
    await follow_up(plan_follow_up(info, "canary-q3-secret-question"))
    info = RunStore(info.path.parent).find(info.run_id)
    costs = [json.loads((info.path / "summary.json").read_text())["cost_usd"]]
    for n in (2, 3):
        costs.append(
            json.loads((info.path / "turns" / str(n) / "summary.json").read_text())["cost_usd"]
        )
    assert all(c > 0 for c in costs)
    total = f"${round(sum(costs), 6):.4f}"

    md = export_run(info, "md").read_text()
    assert f"- cost: {total}" in md
    assert (
        f"- turns: 3 (turn 1 done ${costs[0]:.4f}, turn 2 done ${costs[1]:.4f}, "
        f"turn 3 done ${costs[2]:.4f})"
    ) in md
    assert "| turn 2: fast | done |" in md and "| turn 3: claude | done |" in md
    one = md.index(f"## Turn 1 (done, ${costs[0]:.4f})")
    two = md.index(f"## Turn 2 · follow-up (done, ${costs[1]:.4f})")
    three = md.index(f"## Turn 3 · follow-up (done, ${costs[2]:.4f})")
    assert md.index("## Summary") < one < two < three
    turn1, turn2, turn3 = md[one:two], md[two:three], md[three:]
    assert "### fast" in turn1 and "### claude" in turn1 and FAST.strip() in turn1
    assert "> canary-q2: and\n> the tests?" in turn2
    assert "### fast" in turn2 and "### claude" not in turn2  # claude was not asked turn 2
    assert "*(the question was not saved (25 chars))*" in turn3
    assert "canary-q3-secret-question" not in md
    assert turn3.index("### fast") < turn3.index("### claude") and CLAUDE.strip() in turn3
    assert f"prompt: {PROMPT}" in md

    code, out, _ = await cli(priced, command="runs")
    assert code == 0 and f"fast, claude  {total}" in out
    code, out, _ = await cli(priced, "show", info.run_id, command="runs")
    assert code == 0 and f"cost: {total} (every turn's)" in out
    code, out, _ = await cli(priced, "--json", command="runs")
    [row] = json.loads(out)["runs"]
    assert row["cost_usd"] == costs[0] and row["total_cost_usd"] == round(sum(costs), 6)

    page = export_run(info, "html").read_text()
    assert f"<dd>{total}</dd>" in page
    assert page.count('<section class="turn">') == 3
    assert '<blockquote class="question">canary-q2: and\nthe tests?</blockquote>' in page
    assert "<h3>fast</h3>" in page and "<td>turn 3: claude</td>" in page
    assert "(the question was not saved (25 chars))" in page
    assert "canary-q3-secret-question" not in page


async def test_a_run_never_followed_up_reports_as_before(priced: SendWorld) -> None:
    info = await first_run(priced, ["fast"])
    md = export_run(info, "md").read_text()
    assert "## fast\n" in md and "Turn 1" not in md and "- turns:" not in md
