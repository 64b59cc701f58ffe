"""Review: each output rendered to rows once per width and view, its head first, the title and the
rows always of the same output, and a failed render shown as raw text."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets import markdown_view
from fiedler_tui.tui.widgets.markdown_lines import (
    RENDERED,
    RenderCache,
    references,
    render_markdown,
    render_pieces,
    split_pieces,
)

from .test_compose import make_app, settle
from .test_review import pane, summary
from .test_review_markdown import review, texts_of

SECTION = """## Finding {i}: `load()` reads the file twice

The function `load()` in **src/config.py** opens the file twice; see [the docs][docs].

- read the file once
- keep the validation

  on the parsed object

1. change `load()`
2. update the callers

```python
def load(path: Path) -> Config:

    return Config.parse(path.read_text())
```

| file | line |
|---|---|
| src/config.py | {i} |

> Note: the tests do not cover it.

"""


def long_answer(sections: int, title: str = "Review") -> str:
    return f"# {title}\n\n" + "".join(SECTION.format(i=i) for i in range(sections))


def test_pieces_are_whole_blocks_and_render_as_the_whole_text() -> None:
    text = long_answer(60) + "[docs]: https://example.com/docs\n"
    pieces = split_pieces(text, size=2_000, first=500)
    assert len(pieces) > 10 and "".join(pieces) == text
    for piece in pieces:
        assert piece.count("```") % 2 == 0  # never inside a fence
        assert piece.startswith(("# Review", "## Finding", "```python", "The function", "> "))
    assert references(text) == "[docs]: https://example.com/docs\n"
    whole = render_markdown(text, 90)
    assert render_pieces(pieces, 90, references(text)) == whole
    odd = "A paragraph\u2028``` that is not a fence.\n\n" + text  # U+2028 ends no line
    odd_pieces = split_pieces(odd, size=2_000, first=500)
    assert len(odd_pieces) > 10 and render_pieces(odd_pieces, 90, references(odd)) == (
        render_markdown(odd, 90)
    )
    shown = " ".join(" ".join(row.text.split()) for row in whole)
    assert "see the docs (https://example.com/docs)." in shown  # the reference resolved


def test_the_cache_keeps_the_latest_rows_within_its_budget() -> None:
    cache = RenderCache(budget=40)
    rows = render_markdown("# A\n\ntext", 20)
    cache.put("a", 20, True, ("a", rows * 4))
    cache.put("b", 20, True, ("b", rows * 4))
    cache.put("raw", 20, False, ("raw", ["row"] * 80))  # plain rows weigh an eighth
    assert cache.get("a", 20, True) is not None  # now the most recent
    cache.put("c", 20, True, ("c", rows * 4))  # over the budget: the least recent (b) goes
    assert cache.get("b", 20, True) is None
    assert cache.get("a", 21, True) is None and cache.get("a", 20, False) is None
    assert cache.get("c", 20, True) == ("c", rows * 4) and len(cache) == 3


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the start of every text rendered as Markdown from now on."""
    calls: list[str] = []
    original = markdown_view.render_markdown

    def counted(text: str, width: int, defined: str = "", **options: Any) -> Any:
        calls.append(text[:20])
        return original(text, width, defined, **options)

    monkeypatch.setattr(markdown_view, "render_markdown", counted)
    return calls


async def test_an_output_is_rendered_once_per_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RENDERED.clear()
    calls = count_renders(monkeypatch)
    texts = {"alpha": "# Alpha\n", "beta": "# Beta\n", "gamma": "# Gamma\n"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        assert sorted(calls) == ["# Alpha\n", "# Beta\n"]
        await pilot.press("n", "p", "n", "p")  # gamma, alpha, gamma, alpha on the left
        await settle(pilot)
        assert sorted(calls) == ["# Alpha\n", "# Beta\n", "# Gamma\n"]
        await pilot.press("m", "m")  # raw, then rendered again: from the cache
        await settle(pilot)
        assert len(calls) == 3
        assert texts_of(pane(screen, "left").view)[0].strip() == "Alpha"
        await pilot.press("s")  # the left pane alone, wider: rendered again at its width
        await settle(pilot)
        left = pane(screen, "left").view
        assert calls[3:] == ["# Alpha\n"]
        assert {row.cell_length for row in left.rows if not isinstance(row, str)} == {
            left.scrollable_content_region.width
        }


async def test_the_head_comes_first_and_the_title_always_matches_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RENDERED.clear()
    texts = {
        "alpha": "# Alpha\n",
        "beta": "# Beta\n",
        "long": long_answer(200, "Long"),
        "other": long_answer(200, "Other"),
    }
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    gate = threading.Event()
    seen: list[tuple[str, str]] = []
    original = markdown_view.render_markdown

    def slow_rest(text: str, width: int, defined: str = "", **options: Any) -> Any:
        left = pane(review(app), "left")
        seen.append((str(left.border_title), left.view.text[:8]))  # what the pane shows now
        if not text.startswith("# "):  # past the head of a long output: wait for the test
            gate.wait(10)
        return original(text, width, defined, **options)

    monkeypatch.setattr(markdown_view, "render_markdown", slow_rest)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left = pane(screen, "left")
        seen.clear()
        await pilot.press("n")  # to "long" (beta is on the right)
        await pilot.pause()
        assert seen[0] == ("alpha · done", "# Alpha\n")  # while its head renders: all alpha
        assert str(left.border_title) == "long · done" and left.view.text.startswith("# Long")
        assert left.view.rendering and str(left.border_subtitle) == "Markdown (rendering…)"
        head = texts_of(left.view)
        assert head[0].strip() == "Long" and 36 <= len(head) < 400
        await pilot.press("n")  # to "other" while the rest of "long" is still rendering
        await pilot.pause()
        gate.set()
        await settle(pilot)
        await left.view.wait_rendered()
        await pilot.pause()
        assert str(left.border_title) == "other · done"
        rows = texts_of(left.view)
        assert rows[0].strip() == "Other" and not left.view.rendering
        assert rows == [row.text.rstrip() for row in original(texts["other"], left.view._width)]
        assert str(left.border_subtitle) == "Markdown"


async def test_a_render_that_fails_shows_the_raw_text_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RENDERED.clear()

    def broken(text: str, width: int, defined: str = "", **options: Any) -> Any:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(markdown_view, "render_markdown", broken)
    texts = {"alpha": "# Alpha\n\ntext"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        assert app.is_running and not left.view.rendered
        assert texts_of(left.view) == ["# Alpha", "", "text"]
        assert str(left.border_subtitle) == "raw text: could not be rendered"
        notes = [n.message for n in app._notifications]
        assert any("RuntimeError: renderer bug" in note for note in notes)
