"""Review's blind mode, ratings and reveal, and the diff of two answers, through the real app."""

from __future__ import annotations

import json
import os
import random
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from fiedler_tui.core.scores.index import RunIndex
from fiedler_tui.core.scores.ratings import RATINGS_NAME
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.summary import ModelRecord
from fiedler_tui.tui.answer_diff import compare
from fiedler_tui.tui.review_blind import HIDDEN, BlindReview
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.diff_view import DiffView
from fiedler_tui.tui.widgets.output_pane import OutputPane

from .test_compose import make_app, settle

MODELS = {
    # alias: (provider, model id, answer naming itself)
    "sonnet": ("anthropic", "claude-sonnet-4-5", "I am Claude (Anthropic). The loop in main.py\n"
               "runs twice: fix the range.\n"),
    "gpt": ("openai", "gpt-5", "As GPT-5, trained by OpenAI: the loop in main.py runs twice;\n"
            "fix the range and add a test.\n"),
    "flash": ("gemini", "gemini-2.5-flash", "Gemini here. The loop in main.py is fine.\n"),
}  # fmt: skip
NAMES = ("sonnet", "claude", "anthropic", "gpt", "openai", "gemini", "flash")


def save_rated_run(root: Path) -> Path:
    """A finished run of the three models, saved the way the runner saves one."""
    store = RunStore(root)
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    run = store.start_run({"status": "running", "started_at": when.isoformat()}, now=when)
    assert run.path is not None
    records = []
    for alias, (provider, model, text) in MODELS.items():
        out = run.output(alias)
        out.append(text)
        out.close()
        record = ModelRecord(alias, provider, model, status="done")
        record.usage_input, record.usage_output, record.cost_usd = 900, 120, 0.01
        record.output_file = f"{alias}.md"
        records.append(record.as_dict())
    run.write_summary(
        {
            "status": "done",
            "run_id": run.run_id,
            "started_at": when.isoformat(),
            "ended_at": when.isoformat(),
            "models": records,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "cost_usd": 0.03,
        },
        last=True,
    )
    return run.path


def screen_text(pilot: Pilot[None]) -> str:
    """Every character on the terminal now (toasts included)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def names_on(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name in NAMES if name in lowered]


def review(pilot: Pilot[None]) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def pane(screen: ReviewScreen, side: str) -> OutputPane:
    return screen.query_one(f"#pane-{side}", OutputPane)


def open_saved(tmp_path: Path, folder: Path) -> Any:
    info = RunStore(folder.parent).find(folder.name)
    return make_app(tmp_path / "project", start=lambda: ReviewScreen.from_saved(info))


async def test_blind_hides_every_name_then_rating_all_reveals(tmp_path: Path) -> None:
    folder = save_rated_run(tmp_path / "runs")
    app = open_saved(tmp_path, folder)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        screen = review(pilot)
        assert names_on(screen_text(pilot))  # named before
        await pilot.press("b")
        await settle(pilot)
        text = screen_text(pilot)
        assert names_on(text) == [], text
        assert "Answer A" in text and "Answer B" in text and HIDDEN in text
        assert "rated 0 of 3" in text
        letters = screen.blind.letters
        first, second = (screen.aliases[i] for i in screen.shown)
        assert (letters[first], letters[second]) == ("A", "B")  # gone through in letter order

        await pilot.press("4", "w")
        await settle(pilot)
        await pilot.press("n")  # the left pane goes on to C (B is on the right)
        await settle(pilot)
        third = pane(screen, "left").alias
        assert third is not None and letters[third] == "C"
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(pilot)
        assert names_on(text) == [], text
        assert "rated 2 of 3" in text and "winner: Answer A" in text
        saved = json.loads((folder / RATINGS_NAME).read_text())
        assert saved["ratings"] == {first: 4, third: 2} and saved["winner"] == first
        assert saved["blind"] is True and (folder / RATINGS_NAME).stat().st_mode & 0o077 == 0

        screen.set_focus(pane(screen, "right").view)
        await pilot.press("5")  # the last one: every answer rated, the names come back
        await settle(pilot)
        assert not screen.blind.active
        text = screen_text(pilot)
        assert {"sonnet", "gpt", "flash"} <= set(names_on(text))
        assert f"A = {first}" in text and "every answer rated" in text
        assert str(pane(screen, "right").border_title) == f"{second} ★★★★★ 5/5 · done"
        assert "ratings: " in text and "rating" in text
    saved = json.loads((folder / RATINGS_NAME).read_text())
    assert saved["ratings"] == {first: 4, second: 5, third: 2}
    with RunIndex(folder.parent) as index:  # told when the ratings were saved, no sync needed
        won = {(a.alias, a.rating, a.won) for a in index.answers()}
    assert won == {(first, 4, True), (second, 5, False), (third, 2, False)}


async def test_reveal_by_key_ratings_shown_when_opened_again(tmp_path: Path) -> None:
    folder = save_rated_run(tmp_path / "runs")
    app = open_saved(tmp_path, folder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        screen = review(pilot)
        letters = dict(screen.blind.letters)
        await pilot.press("b", "3")
        await settle(pilot)
        rated = pane(screen, "left").alias
        await pilot.press("b")  # reveal before all are rated
        await settle(pilot)
        assert not screen.blind.active and "names revealed" in screen_text(pilot)
        await pilot.press("b")  # blind again: the same letters for this viewing
        await settle(pilot)
        assert screen.blind.letters == letters and names_on(screen_text(pilot)) == []
    app = open_saved(tmp_path, folder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(pilot)
        assert f"{rated}: ★★★☆☆ 3/5 · b rates blind again" in text  # the ratings line
        assert "rating" in text.split("Summary", 1)[1].splitlines()[1]  # the table's column


def test_letters_are_shuffled_per_viewing() -> None:
    aliases = ["a1", "b2", "c3", "d4", "e5"]
    orders = {
        tuple(BlindReview.shuffled(aliases, [], random.Random(seed)).order(aliases))
        for seed in range(20)
    }
    assert len(orders) > 5
    blind = BlindReview.shuffled(["x", "y"], [{"alias": "x", "model": "gpt-5", "provider": "o"}])
    blind.active = True
    assert blind.mask("GPT-5 and gpt said x; xylophone stays") == (
        f"{HIDDEN} and {HIDDEN} said {HIDDEN}; xylophone stays"
    )


def test_the_word_diff_marks_what_changed() -> None:
    diff = compare("the cat sat on the mat", "the dog sat on the mat\x1b[2J")
    assert diff.parts == (("=", "the "), ("-", "cat"), ("+", "dog"), ("=", " sat on the mat"))
    assert (diff.removed_words, diff.added_words) == (1, 1) and not diff.by_lines
    text = diff.render("red", "green")
    assert text.plain == "the [-cat-]{+dog+} sat on the mat"
    assert [str(span.style) for span in text.spans] == ["strike red", "underline green"]


async def test_the_diff_view_of_the_two_answers(tmp_path: Path) -> None:
    folder = save_rated_run(tmp_path / "runs")
    app = open_saved(tmp_path, folder)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = review(pilot)
        left, right = (screen.aliases[i] for i in screen.shown)
        await pilot.press("d")
        await settle(pilot)
        view = screen.query_one(DiffView)
        assert view.display and not screen.query_one("#review-panes").display
        text = screen_text(pilot)
        assert f"diff: {left} → {right}" in text and "% alike" in text
        assert "fix the range" in text  # text both share
        await pilot.press("b")  # blind: the diff names letters, the texts are masked
        await settle(pilot)
        text = screen_text(pilot)
        assert "diff: Answer A → Answer B" in text and names_on(text) == []
        await pilot.press("d")
        await settle(pilot)
        assert not view.display and screen.query_one("#review-panes").display


async def test_a_failed_answer_need_not_be_rated_to_reveal(tmp_path: Path) -> None:
    models = [
        {"alias": alias, "provider": provider, "model": model, "status": status}
        for (alias, (provider, model, _)), status in zip(
            MODELS.items(), ("done", "done", "failed"), strict=True
        )
    ]
    summary = {"run_id": "20261201-093000-abcdef", "status": "partial", "models": models}
    texts = {alias: text for alias, (_, _, text) in list(MODELS.items())[:2]}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary, texts))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        screen = review(pilot)
        screen.blind.letters = {"sonnet": "A", "gpt": "B", "flash": "C"}
        await pilot.press("b")
        await settle(pilot)
        text = screen_text(pilot)
        assert "rated 0 of 2" in text and names_on(text) == []
        assert "ratings are not saved" not in text
        await pilot.press("3")
        await settle(pilot)
        assert any("its ratings are not saved" in n.message for n in app._notifications)
        screen.set_focus(pane(screen, "right").view)
        await pilot.press("4")
        await settle(pilot)
        assert not screen.blind.active
        assert dict(screen.blind.ratings.ratings) == {"sonnet": 3, "gpt": 4}
