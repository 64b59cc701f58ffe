"""The Run screen driven by the pilot against the loopback simulator."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerState

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import Fault, FaultKind, ModelScript
from fiedler_tui.tui.screens.run import RunScreen, grid_columns

from .test_run_screen_support import run_to_end, run_world, wait_until

REPLY = "All good. " * 20
LONG = " ".join(f"word{i:04d}" for i in range(3000))
INJECTION = "[red]x[/red] [@click=app.quit]q[/] \x1b]52;c;ZXZpbA==\x07 \x1b[2J after"


def model(name: str, reply: str = REPLY, kind: str = "openai", **script: Any) -> SimulatedModel:
    return SimulatedModel(
        name=name,
        kind=kind,
        script=ModelScript(reply=reply, **script),
        price_in=1.0,
        price_out=2.0,
    )


def label(screen: RunScreen, alias: str, part: str) -> str:
    header = screen.pane(alias).header
    return header.status_text if part == "status" else header.stats_text


def notifications(screen: RunScreen) -> list[str]:
    return [n.message for n in screen.app._notifications]


async def test_panes_end_done_or_failed_with_their_text(tmp_path: Path) -> None:
    models = [
        model("fast"),
        model("claude", "Looks fine. " * 15, kind="anthropic"),
        model(
            "broken",
            "partial words " * 30,
            kind="gemini",
            faults=(Fault.of(FaultKind.STREAM_ERROR, after_tokens=8),),
        ),
    ]
    settings = {"sim-gemini": {"max_retries": 0}}
    async with run_world(tmp_path, models, settings) as world:
        session = world.session(["fast", "claude", "broken"])
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            screen = await run_to_end(pilot, session)
            assert [p.state.status for p in screen.panes] == ["done", "done", "failed"]
            assert screen.pane("fast").text == REPLY
            assert screen.pane("claude").text == "Looks fine. " * 15
            broken = screen.pane("broken")
            assert broken.text and broken.text == session.text("broken")
            assert ("partial words " * 30).startswith(broken.text)
            error = broken.state.error
            assert error is not None
            shown = broken.error_text
            assert str(error.code) in shown and error.message in shown
            assert broken.has_class("-failed") and broken.has_class("-has-error")
            assert label(screen, "fast", "status") == "done"
            assert label(screen, "broken", "status") == "failed"
            assert "ttft" in label(screen, "fast", "stats")
            assert [m for m in notifications(screen) if m.startswith("broken:")] == [
                f"broken: {error.code}: {error.message}"
            ]
            total = screen.total_text
            assert "Run partial: 2 succeeded, 1 failed" in total
            assert "cost $" in total and "wall " in total
            assert "not saved (FIEDLER_NO_DISK=1)" in total
            assert app.is_running


async def test_usage_or_labelled_estimate_in_the_header(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("fast", LONG, tokens_per_s=3000)]) as world:
        session = world.session(["fast"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("fast").state.chars > 0)
            state = screen.pane("fast").state
            if state.output_tokens is None:
                await wait_until(pilot, lambda: "(est.)" in label(screen, "fast", "stats"))
            await wait_until(pilot, lambda: screen.finished)
            await pilot.pause()
            tokens = screen.pane("fast").state.output_tokens
            assert tokens is not None
            stats = label(screen, "fast", "stats")
            assert f"{tokens:,} tok" in stats and "(est.)" not in stats
            assert screen.pane("fast").text == LONG


async def test_retry_countdown_then_success(tmp_path: Path) -> None:
    busy = model("busy", "answer after a wait", faults=(Fault.rate_limit(retry_after="1"),))
    async with run_world(tmp_path, [busy]) as world:
        session = world.session(["busy"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: label(screen, "busy", "status").startswith("retry"))
            first = label(screen, "busy", "status")
            assert first.startswith("retry in ") and first.endswith("s")
            assert screen.pane("busy").has_class("-retrying")
            await wait_until(
                pilot,
                lambda: label(screen, "busy", "status") != first or screen.finished,
            )
            await wait_until(pilot, lambda: screen.finished)
            await pilot.pause()
            pane = screen.pane("busy")
            assert pane.state.status == "done" and pane.text == "answer after a wait"
            assert pane.state.retries == 1
            assert "1 retry" in label(screen, "busy", "stats")


async def test_cancel_the_focused_model_then_all(tmp_path: Path) -> None:
    models = [model(name, LONG, tokens_per_s=60) for name in ("one", "two", "three")]
    async with run_world(tmp_path, models) as world:
        session = world.session(["one", "two", "three"])
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: all(p.state.chars for p in screen.panes))
            await pilot.press("2")
            assert screen.focused_pane() is screen.pane("two")
            await pilot.press("c")
            await wait_until(pilot, lambda: screen.pane("two").state.status == "cancelled")
            await pilot.pause(0.1)
            assert screen.pane("one").state.status == "streaming"
            assert screen.pane("three").state.status == "streaming"
            assert label(screen, "two", "status") == "cancelled"
            await pilot.press("C")
            await wait_until(pilot, lambda: screen.finished)
            await pilot.pause()
            assert [p.state.status for p in screen.panes] == ["cancelled"] * 3
            assert all(p.text for p in screen.panes)
            assert session.status == "cancelled"
            assert "0 succeeded, 0 failed, 3 cancelled" in screen.total_text
            await pilot.press("c")  # nothing left to cancel: no error
            assert app.is_running


async def test_untrusted_output_and_errors_are_shown_literally(tmp_path: Path) -> None:
    hostile_error = (
        '{"error": {"message": "[red]boom[/red] [@click=app.quit]x[/] \\u001b[2J",'
        ' "type": "invalid_request_error"}}'
    )
    models = [
        model("evil", INJECTION),
        model("angry", "never", faults=(Fault.http(400, hostile_error),)),
    ]
    async with run_world(tmp_path, models) as world:
        session = world.session(["evil", "angry"])
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            screen = await run_to_end(pilot, session)
            evil = screen.pane("evil")
            assert evil.text == "[red]x[/red] [@click=app.quit]q[/]   after"
            assert "\x1b" not in evil.text and "\x07" not in evil.text
            drawn = "".join(segment.text for y in range(3) for segment in evil.body.render_line(y))
            assert "[red]x[/red] [@click=app.quit]q[/]" in drawn
            angry = screen.pane("angry")
            shown = angry.error_text
            assert "[red]boom[/red] [@click=app.quit]x[/]" in shown
            assert "\x1b" not in shown
            assert any("[@click=app.quit]x[/]" in m for m in notifications(screen))
            # Click the "q" that [@click=app.quit] would have made an action, where it is drawn.
            body = evil.body
            line = "".join(segment.text for segment in body.render_line(0))
            column = line.index("[@click=app.quit]q") + len("[@click=app.quit]")
            offset = (body.styles.padding.left + column, body.styles.padding.top)
            x, y = body.region.x + offset[0], body.region.y + offset[1]
            assert app.screen.get_widget_at(x, y)[0] is body
            assert (x, y) in body.content_region and line[column] == "q"
            style = app.screen.get_style_at(x, y)
            assert "@click" not in style.meta and style.link is None
            await pilot.click(body, offset=offset)
            await pilot.pause()
            assert app.is_running


async def test_focus_moves_between_panes_and_maximise_toggles(tmp_path: Path) -> None:
    names = ["a", "b", "c", "d", "e"]
    async with run_world(tmp_path, [model(n) for n in names]) as world:
        session = world.session(names)
        app = world.app(session)
        async with app.run_test(size=(160, 40)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            assert grid_columns(5) == 3
            assert screen.focused_pane() is screen.pane("a")
            await pilot.press("right")
            assert screen.focused_pane() is screen.pane("b")
            await pilot.press("down")
            assert screen.focused_pane() is screen.pane("e")
            await pilot.press("left")
            assert screen.focused_pane() is screen.pane("d")
            await pilot.press("left")  # first column: stays
            assert screen.focused_pane() is screen.pane("d")
            await pilot.press("up")
            assert screen.focused_pane() is screen.pane("a")
            await pilot.press("tab")
            assert screen.focused_pane() is screen.pane("b")
            await pilot.press("3")
            assert screen.focused_pane() is screen.pane("c")
            await pilot.press("z")
            assert screen.maximized is screen.pane("c")
            await pilot.press("1")
            assert screen.maximized is screen.pane("a")
            assert screen.focused_pane() is screen.pane("a")
            await pilot.press("z")
            assert screen.maximized is None
            await wait_until(pilot, lambda: screen.finished)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen


async def test_escape_during_the_run_does_not_leave(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=50)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
            assert any("still running" in m for m in notifications(screen))
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.finished)


async def test_saved_folder_in_the_total_line(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("fast")]) as world:
        session = world.session(["fast"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(200, 30)) as pilot:
            screen = await run_to_end(pilot, session)
            assert session.run_path is not None
            assert f"saved to {session.run_path}" in screen.total_text
            assert "Run done: 1 succeeded, 0 failed" in screen.total_text


async def test_review_opens_with_summary_texts_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Any, ...]] = []

    from textual.screen import Screen

    class FakeReview(Screen[None]):
        def __init__(self, summary: Any, texts: Any, folder: Any, thinking: Any = None) -> None:
            super().__init__()
            opened.append((summary, dict(texts), folder))

    fake = types.ModuleType("fiedler_tui.tui.screens.review")
    fake.ReviewScreen = FakeReview  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fiedler_tui.tui.screens.review", fake)
    async with run_world(tmp_path, [model("fast")]) as world:
        session = world.session(["fast"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, FakeReview)
            summary, texts, folder = opened[0]
            assert summary["status"] == "done" and texts == {"fast": REPLY} and folder is None


async def test_palette_commands_follow_the_run(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=50), model("b")]) as world:
        session = world.session(["slow", "b"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            titles = [title for title, _, _ in screen.palette_commands()]
            assert "Run: cancel slow" in titles and "Run: cancel all" in titles
            assert "Run: go to b" in titles and "Run: review answers" not in titles
            cancel_all = next(
                cb for t, _, cb in screen.palette_commands() if t == "Run: cancel all"
            )
            cancel_all()
            await wait_until(pilot, lambda: screen.finished)
            titles = [title for title, _, _ in screen.palette_commands()]
            assert "Run: review answers" in titles and "Run: cancel all" not in titles


async def test_a_broken_run_is_reported_not_raised(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("fast"), model("other")]) as world:
        session = world.session(["fast", "other"])

        async def exploding() -> Any:
            raise RuntimeError("the event stream broke")
            yield  # pragma: no cover

        session.events = exploding  # type: ignore[method-assign]
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = await run_to_end(pilot, session)
            assert app.is_running and app.screen is screen
            assert any("the event stream broke" in m for m in notifications(screen))
            shown = screen.pane("fast").error_text
            assert "run stopped: RuntimeError: the event stream broke" in shown
            assert "run stopped" in screen.total_text


async def test_moving_focus_keeps_the_wrap_width(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("a", LONG), model("b", LONG)]) as world:
        session = world.session(["a", "b"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = await run_to_end(pilot, session)
            widths = [pane.body._wrap_width for pane in screen.panes]
            await pilot.press("2")
            await pilot.pause()
            assert [pane.body._wrap_width for pane in screen.panes] == widths
            assert screen.pane("b").text == LONG


async def test_review_key_opens_the_review_screen(tmp_path: Path) -> None:
    review = pytest.importorskip("fiedler_tui.tui.screens.review")
    async with run_world(tmp_path, [model("fast"), model("other", "Other answer.")]) as world:
        session = world.session(["fast", "other"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await pilot.press("r")  # not yet: the run is going (or just ended)
            await wait_until(pilot, lambda: screen.finished)
            if app.screen is screen:
                await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, review.ReviewScreen))
            assert app.is_running


async def test_leaving_mid_run_cancels_quietly(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=50)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            [worker] = [w for w in app.workers if w.group == "run"]
            await app.pop_screen()
            await wait_until(pilot, lambda: worker.is_finished)
            await pilot.pause()
            assert worker.state is WorkerState.CANCELLED, worker.error
            assert app.is_running and app.screen is not screen
            assert session.status == "cancelled"


async def test_run_commands_reach_the_command_palette(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=50)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            titles = {command.title for command in app.get_system_commands(screen)}
            assert {"Run: cancel slow", "Run: cancel all", "Run: go to slow"} <= titles
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.finished)
