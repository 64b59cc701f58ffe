"""Crosstalk in the app, with the demo's deliberating models on the loopback simulator.

Compose's mode switch (f8) and options form (f9), the deliberation's budget in place of the
per-model table (refusals naming the round), a debate streaming round by round to its result on
the Deliberation screen, cancelling, the review with the result first, and History opening a
saved deliberation in that review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.crosstalk.session import DeliberationChoices, DeliberationSession
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.deliberation import DeliberationScreen
from fiedler_tui.tui.screens.deliberation_review import DeliberationReviewScreen
from fiedler_tui.tui.screens.help import binding_rows
from fiedler_tui.tui.widgets.crosstalk_mode import DeliberationBudgetView

from .test_compose import settle
from .test_run_screen_support import run_world, wait_until

MEMBERS = ["demo-swift", "demo-steady"]


def project(tmp_path: Path) -> tuple[Path, Settings]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    return root, Settings(allowed_roots=(root,), output_dir=tmp_path / "runs")


async def crosstalk_compose(pilot: Pilot[Any], root: Path) -> ComposeScreen:
    app = pilot.app
    assert isinstance(app, FiedlerApp)
    assert await app.wait_for_config() is not None, app.config_problem
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    await settle(pilot)
    screen.load([str(root / "calc.py")], "Is add() right?", models=MEMBERS)
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    return screen


async def start_deliberation(pilot: Pilot[Any]) -> DeliberationScreen:
    """ctrl+s in Compose (once settled), then the Deliberation screen it opens."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, DeliberationScreen))
    delib = app.screen
    assert isinstance(delib, DeliberationScreen)
    return delib


def budget_text(screen: ComposeScreen) -> str:
    return str(screen.query_one(DeliberationBudgetView).render())


async def test_f8_switches_to_crosstalk_with_the_deliberations_budget_and_back(
    tmp_path: Path,
) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        assert screen.crosstalk.crosstalk
        assert not screen.query_one("#budget").display  # the per-model table makes way
        view = screen.query_one(DeliberationBudgetView)
        assert view.display
        text = budget_text(screen)
        assert "debate, 3 round(s) · A=demo-swift, B=demo-steady" in text
        assert "round 1 answer: ≤ $" in text and "round 3 answer" in text
        assert "total worst case $" in text and "(no cap)" in text
        assert screen.send_problems() == []
        ready = str(screen.query_one("#blockers").render())
        assert ready == "ready to deliberate (debate, default rounds, no chair chosen): ctrl+s"
        # f9: the options form, by keyboard: rounds 2 (tab from the paradigm to the rounds)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, Input) and app.focused.id == "xt-rounds"
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.crosstalk.rounds == 2
        text = budget_text(screen)
        assert "debate, 2 round(s)" in text and "round 3" not in text
        rows = {key: what for _, key, what in binding_rows(screen)}  # what Help lists
        assert rows["f8"].startswith("Mode: Fan-out") and rows["f9"].startswith("Crosstalk options")
        await pilot.press("f8")
        await settle(pilot)
        assert not screen.crosstalk.crosstalk
        assert screen.query_one("#budget").display and not view.display


async def test_a_cap_below_the_worst_case_is_refused_naming_the_round(tmp_path: Path) -> None:
    root, settings = project(tmp_path)
    settings = settings.replace(max_cost_usd=0.0001)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        problems = screen.send_problems()
        refusal = next(p for p in problems if p.startswith("cannot start: "))
        assert "above the cap $0.0001 (round 1 (answer) would cross it)" in refusal
        assert refusal in budget_text(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # nothing sent, no Deliberation screen
        assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


async def test_a_debate_streams_round_by_round_to_its_result_then_reviews_result_first(
    tmp_path: Path,
) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        screen.crosstalk.rounds = 2
        screen.preview_now()
        screen.action_refresh()
        delib = await start_deliberation(pilot)
        seen_rounds: set[int] = set()

        def progressed() -> bool:
            seen_rounds.add(delib.state.round)
            if delib.state.round == 1 and delib.panes:
                assert [p.alias for p in delib.panes] == MEMBERS  # side by side
            return delib.finished

        await wait_until(pilot, progressed, limit_s=30)
        await settle(pilot)
        assert {1, 2} <= seen_rounds
        outcome = delib.outcome
        assert outcome is not None and outcome.status == "complete", delib.total_text
        assert "round 2 of 2" in delib.header
        assert "of worst case $" in delib.header
        assert delib.state.consensus is not None
        r1 = [f for f in delib.folds if f.startswith("R1 answer")]
        r2 = [f for f in delib.folds if f.startswith("R2 answer")]
        assert len(r1) == 2 and len(r2) == 2
        assert all("verdict " in f and "% · $" in f for f in r2), r2
        path = delib.session.run_path
        assert path is not None and f"saved to {path}" in delib.total_text
        summary = json.loads((path / "summary.json").read_text())
        assert summary["kind"] == "crosstalk" and summary["status"] == "complete"
        assert (path / "transcript.md").is_file()
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, DeliberationReviewScreen)
        labels = [e.label for e in review.entries]
        assert labels[0].startswith("Result: ")
        assert labels[1:] == [
            "R1 answer · demo-swift (A)",
            "R1 answer · demo-steady (B)",
            "R2 answer · demo-swift (A)",
            "R2 answer · demo-steady (B)",
            *labels[5:],
        ]
        if outcome.result:  # the chair's synthesis
            assert review.entries[0].text == outcome.result
        else:  # no chair: each member's last answer, under its letter
            kind = "Consensus" if outcome.consensus else "No consensus"
            assert labels[0] == f"Result: {kind} (each member's last answer)"
            assert "## demo-swift (A)" in review.entries[0].text
            assert all(e.text in review.entries[0].text for e in review.entries[3:5])
        await pilot.press("n")
        await settle(pilot)
        assert review.current == 1
        assert review.entries[1].text in "".join(review.query_one("#dreview-pane").view.text)


async def test_cancelling_one_member_drops_it_and_cancel_all_ends_the_deliberation(
    tmp_path: Path,
) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        screen.load([str(root / "calc.py")], "Is add() right?", models=[*MEMBERS, "demo-local"])
        delib = await start_deliberation(pilot)
        await wait_until(pilot, lambda: len(delib.panes) == 3)
        delib.panes[2].body.focus()  # demo-local, the slowest
        await pilot.press("c")
        await wait_until(pilot, lambda: any("demo-local (C) · cancelled" in f for f in delib.folds))
        await wait_until(pilot, lambda: delib.state.round == 2 or delib.finished)
        assert [p.alias for p in delib.panes] == MEMBERS or delib.finished
        await pilot.press("C")
        await wait_until(pilot, lambda: delib.finished, limit_s=30)
        assert delib.outcome is not None and delib.outcome.status == "cancelled"
        path = delib.session.run_path
        assert path is not None
        assert json.loads((path / "summary.json").read_text())["status"] == "cancelled"


async def test_history_opens_a_deliberation_in_its_review(tmp_path: Path) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        screen.crosstalk.paradigm = "relay"
        screen.action_refresh()
        delib = await start_deliberation(pilot)
        await wait_until(pilot, lambda: delib.finished, limit_s=30)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        if not isinstance(app.focused, DataTable):
            await pilot.press("enter")  # from the filter to the table
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeliberationReviewScreen))
        review = app.screen
        assert isinstance(review, DeliberationReviewScreen)
        assert review.entries[0].label == "Result: Final relay answer"
        assert review.entries[0].text == delib.outcome.result if delib.outcome else False
        assert review.entries[1].label == "R1 relay · demo-swift (A)"
        assert review.entries[1].text.strip()  # read back from the run folder
        assert isinstance(review.focused, OptionList)


async def test_a_report_shows_the_chair_alone_for_its_step_and_its_report_first(
    tmp_path: Path,
) -> None:
    models = [
        SimulatedModel(name=name, kind=kind, script=ModelScript(deliberates=True, reply=reply))
        for name, kind, reply in (
            ("swift", "openai", "add() subtracts."),
            ("steady", "anthropic", "The sign is wrong."),
            ("judge", "gemini", "REPORT: add() must return a + b."),
        )
    ]
    async with run_world(tmp_path, models) as world:
        settings = world.settings()
        with DryRunEngine(settings) as engine:
            result = engine.run(
                [world.project],
                [world.config.resolve(m.name) for m in models],
                DryRunOptions(prompt="Is main() right?"),
            )
        session = DeliberationSession(
            config=world.config,
            settings=settings,
            keys={name: None for name in world.config.providers},
            result=result,
            choices=DeliberationChoices(
                members=("swift", "steady"), paradigm="report", chair="judge"
            ),
        )
        session.prepare()
        session.preflight()
        app = FiedlerApp(
            settings=settings, config=world.config, keystore=KeyStore(env={}), start_screen=False
        )
        async with app.run_test(size=(160, 50)) as pilot:
            screen = DeliberationScreen(session, show_timings=False)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished, limit_s=30)
            await settle(pilot)
            assert [p.alias for p in screen.panes] == ["judge chair"]  # the last step: the chair
            assert "chair judge" in screen.header and "consensus" not in screen.header
            assert [f.split(" · ")[0] for f in screen.folds] == [
                "R1 answer",
                "R1 answer",
                "R2 review",
                "R2 review",
                "R2 report",
            ]
            assert "judge (chair)" in screen.folds[-1]
            assert any("ranks " in f for f in screen.folds if f.startswith("R2 review"))
            await pilot.press("r")
            await settle(pilot)
            review = app.screen
            assert isinstance(review, DeliberationReviewScreen)
            assert review.entries[0].label == "Result: Chair's report"
            assert screen.outcome is not None
            assert review.entries[0].text == screen.outcome.result != ""
            assert review.entries[-1].label == "R2 report · judge (chair)"


async def test_the_package_line_shows_the_deliberations_worst_case_in_crosstalk_mode(
    tmp_path: Path,
) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        assert screen.result is not None
        fan_out = f"${screen.result.total_cost_usd_max:.4f}"
        total = budget_text(screen).split("total worst case ")[1].split()[0]
        assert total != fan_out  # three rounds of two members cost more than one answer each
        line = str(screen.query_one("#package").render())
        assert f"deliberation's worst-case cost {total}" in line
        assert fan_out not in line
        await pilot.press("f8")
        await settle(pilot)
        line = str(screen.query_one("#package").render())
        assert f"worst-case cost {fan_out}" in line and "deliberation" not in line
