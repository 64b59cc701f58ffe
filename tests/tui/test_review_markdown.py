"""Review: outputs rendered as Markdown to rows (headings, lists, tables, quotes, highlighted code),
of any size up to what Review reads, raw text on `m`, safely.

Rendering once per width, the head first, and the cache are pinned in ``test_review_lines.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from fiedler_tui.tui.screens.help import binding_rows
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets import markdown_view
from fiedler_tui.tui.widgets.markdown_view import MarkdownView
from fiedler_tui.tui.widgets.palette import screen_commands

from .test_compose import ScreensApp, make_app, settle
from .test_review import pane, summary

ANSWER = """# Findings

1. `main()` prints twice.
2. The loop never ends.

- a point
  - a nested point

| file | line |
|---|---|
| main.py | 12 |

> A quote.

```python
def main() -> None:
    print("hello")
```
"""


def review(app: ScreensApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def texts_of(view: MarkdownView) -> list[str]:
    """The rows shown, as plain text without the padding."""
    return [(row if isinstance(row, str) else row.text).rstrip() for row in view.rows]


async def test_a_small_output_is_rendered_as_markdown(tmp_path: Path) -> None:
    texts = {"alpha": ANSWER, "beta": "- one\n- two\n"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        view = left.view
        assert left.rendered and view.rendered and not view.rendering
        assert str(left.border_subtitle) == "Markdown"
        rows = [row.strip() for row in texts_of(view)]
        assert rows[0] == "Findings"  # the heading, centred; no "#"
        assert "1 main() prints twice." in rows and "2 The loop never ends." in rows
        assert "• a point" in rows and "• a nested point" in rows
        assert any(r.startswith("file") and "line" in r for r in rows)  # the table's header
        assert any(r.startswith("main.py") and r.endswith("12") for r in rows)
        assert "▌ A quote." in rows
        code = next(row for row in view.rows if not isinstance(row, str) and "def" in row.text)
        assert code.text.strip() == "def main() -> None:"
        colours = {seg.style.color for seg in code if seg.style is not None and seg.text.strip()}
        assert len(colours) > 1  # highlighted by token (Pygments), not one plain colour
        assert "```" not in "\n".join(rows) and "|---|" not in "\n".join(rows)
        assert view.has_focus
        right = pane(review(app), "right")
        assert right.rendered and [r.strip() for r in texts_of(right.view) if r] == [
            "• one",
            "• two",
        ]


async def test_an_output_over_the_former_limits_is_rendered_whole(tmp_path: Path) -> None:
    sections = "".join(
        f"## Finding {i}\n\n- point {i}\n- another\n\n```python\nx = {i}\n```\n\n"
        for i in range(1, 1301)
    )
    assert len(sections.encode()) > 64_000  # once shown raw: over 64 KB and 600 blocks
    texts = {"big": sections}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        await left.view.wait_rendered()
        await pilot.pause()
        assert left.view.rendered and str(left.border_subtitle) == "Markdown"
        rows = [row.strip() for row in texts_of(left.view)]
        assert [r for r in rows if r.startswith("Finding")] == [
            f"Finding {i}" for i in range(1, 1301)
        ]
        assert rows.count("x = 1300") == 1 and "```python" not in rows


async def test_an_output_over_a_megabyte_is_raw_text_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert markdown_view.MARKDOWN_MAX_BYTES == 1_000_000
    monkeypatch.setattr(markdown_view, "MARKDOWN_MAX_BYTES", 2_000)
    big = "# Big\n\n" + "word " * 1_000  # 5,007 bytes
    texts = {"big": big, "small": ANSWER}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left"), pane(screen, "right")
        assert left.rendered and not left.view.rendered
        assert texts_of(left.view)[0] == "# Big"
        assert str(left.border_subtitle) == "raw text: 5 KB is over the 2 KB Markdown limit"
        assert right.view.rendered  # each pane decides for its own output
        await pilot.press("s", "n")  # the left pane moves to the small output: rendered
        await settle(pilot)
        assert left.view.rendered and str(left.border_subtitle) == "Markdown"


async def test_m_switches_both_panes_between_rendered_and_raw(tmp_path: Path) -> None:
    texts = {"alpha": ANSWER, "beta": "**bold** text", "gamma": "# G"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left"), pane(screen, "right")
        view = left.view
        await pilot.press("m")
        await settle(pilot)
        assert not left.view.rendered and not right.view.rendered
        assert left.view is view and view.has_focus  # the same view: rows replaced
        assert str(left.border_subtitle) == str(right.border_subtitle) == "raw text"
        assert texts_of(left.view) == ANSWER.split("\n")
        await pilot.press("n")  # the choice sticks while the screen is open
        await settle(pilot)
        assert texts_of(left.view) == ["# G"]  # beta is on the right: skipped
        await pilot.press("tab")  # the right pane: beta
        assert texts_of(right.view) == ["**bold** text"] and right.view.has_focus
        await pilot.press("c")
        assert app.clipboard == "**bold** text"  # copies the raw text either way
        await pilot.press("m")
        await settle(pilot)
        assert left.view.rendered and right.view.rendered
        assert texts_of(right.view) == ["bold text"] and right.view.has_focus
        await pilot.press("c")
        assert app.clipboard == "**bold** text"
        await pilot.press("s", "m")  # one pane: the hidden one follows once shown again
        await settle(pilot)
        assert not left.view.rendered and not right.display
        await pilot.press("s")
        await settle(pilot)
        assert not right.view.rendered and str(right.border_subtitle) == "raw text"
        assert "Review: Rendered/Raw" in {c.name for c in screen_commands(screen)}
        rows = binding_rows(screen)
        assert any(r[:2] == ("Review", "m") and r[2].startswith("Rendered/Raw") for r in rows)


HOSTILE = (
    "Click [@click=app.quit]x[/] now\n\n"
    "Visit [link=https://evil]y[/] too\n\n"
    "Clip \x1b]52;c;SGVsbG8=\x07board \x1b[31mred\x1b[0m <b>html</b> &#27;[2J &#x9b;\n\n"
    "[text](https://example.com/a%1b%5B2Jb) and <https://example.com/auto>\n\n"
    "| name | value |\n|---|---|\n| [red]x[/red] | [/] |\n"
)


async def assert_inert(pilot: Pilot[None], view: MarkdownView, opened: list[str]) -> None:
    """``HOSTILE``, rendered at the end of ``view``: literal, and no click does anything."""
    app = pilot.app
    rows = [row.strip() for row in texts_of(view)]
    assert "Click [@click=app.quit]x[/] now" in rows
    assert "Visit [link=https://evil]y[/] too" in rows
    clip = next(r for r in rows if r.startswith("Clip"))
    assert clip.startswith("Clip board red <b>html</b>")  # controls gone, HTML as text
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for r in rows for c in r)
    assert "text (https://example.com/a%1b%5B2Jb) and" in " ".join(rows)  # shown, percent kept
    assert any(r.startswith("[red]x[/red]") and r.endswith("[/]") for r in rows)
    for row in view.rows:
        assert not isinstance(row, str)
        for segment in row:
            style = segment.style
            assert style is None or (not style.link and not style.meta)
    for y in range(min(view.size.height, len(view.rows))):
        await pilot.click(view, offset=(8, y))
    await settle(pilot)
    assert app.is_running and opened == []


async def review_hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    """Open ``text`` (ending with ``HOSTILE``) in Review, check it inert; the text shown."""
    texts = {"alpha": text}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        view = pane(review(app), "left").view
        await view.wait_rendered()
        await assert_inert(pilot, view, opened)
        return view.text


async def test_markup_escapes_and_links_in_rendered_output_are_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = await review_hostile(tmp_path, monkeypatch, HOSTILE)
    assert shown.startswith("Click [@click=app.quit]x[/]") and "\x1b" not in shown


async def test_hostile_content_far_into_a_long_output_is_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "".join(f"## Part {i}\n\nSome words about part {i}.\n\n" for i in range(2_000))
    await review_hostile(tmp_path, monkeypatch, long + HOSTILE)


async def test_scroll_sync_by_fraction_between_outputs_and_views(tmp_path: Path) -> None:
    short = "\n\n".join(f"Paragraph {i}." for i in range(150))  # 299 rows
    long = "\n\n".join(f"line {i}" for i in range(600))  # 1,199 rows
    texts = {"alpha": short, "beta": long}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left").view, pane(screen, "right").view
        assert left.max_scroll_y > 0 and right.max_scroll_y > 3 * left.max_scroll_y
        await pilot.press("end")
        await pilot.pause()
        assert left.scroll_y == left.max_scroll_y and right.scroll_y == right.max_scroll_y
        for step in range(0, int(left.max_scroll_y) + 1, 7):
            left.scroll_to(y=step, animate=False, immediate=True)
            await pilot.pause()
            assert right.scroll_y == round(left.fraction * right.max_scroll_y)  # exact
        left.scroll_to(y=left.max_scroll_y // 2, animate=False, immediate=True)
        await pilot.pause()
        assert right.fraction == pytest.approx(0.5, abs=0.01)
        await pilot.press("m")  # raw now: each pane keeps its place
        await settle(pilot)
        assert not left.rendered and left.max_scroll_y > 0
        assert left.fraction == pytest.approx(0.5, abs=0.02)
        assert right.fraction == pytest.approx(0.5, abs=0.02)
