"""Review: long outputs rendered as Markdown chunk by chunk, the app answering keys meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.await_complete import AwaitComplete
from textual.widget import Widget
from textual.widgets._markdown import (
    MarkdownBlock,
    MarkdownFence,
    MarkdownH2,
    MarkdownTableCellContents,
)
from textual.worker import Worker, WorkerState

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.markdown_view import (
    FIRST_CHUNK_BLOCKS,
    MARKDOWN_MAX_BYTES,
    MarkdownView,
    SafeMarkdown,
    markdown_parser,
    plan_markdown,
)
from fiedler_tui.tui.widgets.run_text import RunText

from .test_compose import make_app, settle
from .test_review import pane, summary
from .test_review_markdown import HOSTILE, review, review_hostile

SECTION = """## Finding {i}: `load()` reads the file twice

The function `load()` in **src/config.py** opens the file twice; see [the docs](https://x.org/{i}).
Between the two reads the file can change, so what is validated is not what is parsed.

- read the file once
- keep the validation
  - on the parsed object

1. change `load()`
2. update the callers

```python
def load(path: Path) -> Config:
    return Config.parse(path.read_text())
```

| file | line |
|---|---|
| src/config.py | {i} |
| src/cli.py | 88 |

> Note: the tests do not cover it.

"""


def long_answer(sections: int) -> str:
    """About 0.54 KB a section: a heading, a paragraph, lists, a code fence, a table, a quote."""
    return "# Review\n\n" + "".join(SECTION.format(i=i) for i in range(1, sections + 1))


def paragraphs(count: int) -> str:
    """Cheap to render, yet many chunks; each paragraph wraps to a few rows."""
    words = "with enough words in it to wrap over a few rows of the pane " * 3
    return "".join(f"Paragraph {i} of the answer, {words}\n\n" for i in range(count))


def top_level_blocks(view: MarkdownView) -> list[MarkdownBlock]:
    return [child for child in view.markdown.children if isinstance(child, MarkdownBlock)]


def source_blocks(text: str) -> int:
    """Top-level blocks of ``text`` as the parser sees them."""
    return sum(
        1
        for token in markdown_parser().parse(text)
        if token.level == 0 and token.nesting >= 0 and token.map is not None
    )


def test_a_plan_cuts_between_top_level_blocks_and_never_after_a_table() -> None:
    text = long_answer(20) + "Last words\u2028still the last paragraph.\n"
    plan = plan_markdown(text)
    assert len(plan.chunks) > 10
    assert "".join(plan.chunks) == plan.text == text.replace("\u2028", " ")
    first = plan_markdown(plan.chunks[0])
    assert FIRST_CHUNK_BLOCKS <= first.blocks < 3 * FIRST_CHUNK_BLOCKS
    for chunk in plan.chunks[:-1]:
        assert chunk.endswith("\n\n")  # whole blocks
        last_block = chunk.rstrip("\n").rsplit("\n\n", 1)[-1]
        assert not last_block.startswith("|")  # append() would rebuild a table's last row
    assert sum(source_blocks(chunk) for chunk in plan.chunks) == source_blocks(text)
    assert plan_markdown("").chunks == ("",)


async def test_a_long_answer_is_rendered_whole_chunk_by_chunk(tmp_path: Path) -> None:
    answer = long_answer(16)
    assert 8_000 < len(answer) < 12_000
    texts = {"alpha": answer}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        left = pane(review(app), "left")
        view = left.view
        assert isinstance(view, MarkdownView)
        await view.wait_filled()
        await pilot.pause()
        assert not view.filling and str(left.border_subtitle) == "Markdown"
        assert len(top_level_blocks(view)) == source_blocks(answer)
        headings = [h._content.plain for h in view.query(MarkdownH2)]
        assert headings == [f"Finding {i}: load() reads the file twice" for i in range(1, 17)]
        fences = list(view.query(MarkdownFence))
        assert len(fences) == 16 and all(f.code.startswith("def load(") for f in fences)
        cells = list(view.query(MarkdownTableCellContents))
        assert len(cells) == 16 * 6  # every cell built by the literal table, none rebuilt
        assert view.text == answer


async def test_show_returns_with_the_beginning_and_fills_the_rest_later(tmp_path: Path) -> None:
    texts = {"alpha": "short"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        answer = long_answer(8)
        await left.show("alpha", answer)
        view = left.view
        assert isinstance(view, MarkdownView) and view.filling
        mounted = top_level_blocks(view)
        assert 0 < len(mounted) < source_blocks(answer) // 4  # only the first chunk
        assert mounted[0]._content.plain == "Review"
        assert mounted[1]._content.plain == "Finding 1: load() reads the file twice"
        assert str(left.border_subtitle) == "Markdown (rendering…)"
        await view.wait_filled()
        await pilot.pause()
        assert len(top_level_blocks(view)) == source_blocks(answer)
        assert str(left.border_subtitle) == "Markdown"


async def test_keys_while_filling_stop_the_fill_cleanly(tmp_path: Path) -> None:
    texts = {"alpha": paragraphs(160), "beta": long_answer(4), "gamma": "# Gamma\n\nend"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")

        async def filling_again() -> Worker[None]:
            """Show alpha again, as the screen does; returns while the view fills."""
            await left.show("alpha", texts["alpha"])
            view = left.view
            assert isinstance(view, MarkdownView) and view.filling and view.has_focus
            (worker,) = [w for w in app.workers if w.node is view]
            return worker

        worker = await filling_again()
        filling = left.view
        await pilot.press("m")  # raw text, while the left view is still filling
        await settle(pilot)
        assert worker.state is WorkerState.CANCELLED and not filling.is_attached
        assert isinstance(left.view, RunText) and left.view.text == texts["alpha"]

        await pilot.press("m")
        worker = await filling_again()
        await pilot.press("n", "n")  # on to gamma, past beta
        await settle(pilot)
        assert app.is_running and worker.state is WorkerState.CANCELLED
        view = left.view
        assert isinstance(view, MarkdownView) and not view.filling
        assert view.text == "# Gamma\n\nend"
        assert [b._content.plain for b in top_level_blocks(view)] == ["Gamma", "end"]
        assert str(left.border_subtitle) == "Markdown"


async def test_a_chunk_that_fails_to_render_is_a_notification_not_an_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {"alpha": paragraphs(160)}
    real_append = SafeMarkdown.append
    calls = 0

    def append(self: SafeMarkdown, markdown: str) -> AwaitComplete:
        nonlocal calls
        calls += 1
        if calls == 3:  # the first chunk renders, the second too, the third fails
            raise ValueError("broken block")
        return real_append(self, markdown)

    monkeypatch.setattr(SafeMarkdown, "append", append)
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        view = left.view
        assert isinstance(view, MarkdownView)
        await view.wait_filled()
        await settle(pilot)
        assert app.is_running and not view.filling
        assert str(left.border_subtitle) == "Markdown (incomplete: m for raw text)"
        [note] = [n for n in app._notifications if n.title == "Markdown"]
        assert "ValueError: broken block" in note.message and note.severity == "warning"
        await pilot.press("m")  # the whole output, as raw text
        await settle(pilot)
        assert isinstance(left.view, RunText) and left.view.text == texts["alpha"]


async def test_hostile_content_in_a_later_chunk_is_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = paragraphs(60) + HOSTILE
    assert "Click" not in plan_markdown(text).chunks[0]
    await review_hostile(tmp_path, monkeypatch, text)


async def test_an_output_over_the_size_limit_is_raw_text_and_says_why(tmp_path: Path) -> None:
    big = paragraphs(3_000)  # about 90 KB, 3,000 blocks
    assert len(big) > MARKDOWN_MAX_BYTES
    texts = {"big": big}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        assert isinstance(left.view, RunText) and left.view.text == big
        limit = f"{MARKDOWN_MAX_BYTES / 1000:,.0f} KB"
        reason = f"{len(big) / 1000:,.0f} KB is over the {limit} Markdown limit"
        assert str(left.border_subtitle) == f"raw text: {reason}"


async def test_rendered_view_goes_to_the_place_once_filled_unless_scrolled(
    tmp_path: Path,
) -> None:
    long = paragraphs(200)  # rendered, in 11 chunks: about 1,000 rows
    raw = "\n".join(f"line {i}" for i in range(9_000))  # over the size limit: raw
    texts = {"alpha": long, "beta": raw}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)

        async def laid_out(raw: Widget) -> None:
            """Wait for ``raw`` to scroll: filled after a refresh, its scrollbar shown later."""
            assert isinstance(raw, RunText)
            for _ in range(10):
                if raw.show_vertical_scrollbar:
                    return
                await raw.wait_for_refresh()
            raise AssertionError("the raw text never scrolled")

        async def rendered_again() -> tuple[MarkdownView, RunText]:
            """``m`` twice; returns while the left view fills, once the right one scrolls."""
            await screen.action_toggle_markdown()
            await laid_out(pane(screen, "left").view)  # raw text: then it has a place to keep
            await screen.action_toggle_markdown()
            left, right = pane(screen, "left").view, pane(screen, "right").view
            assert isinstance(left, MarkdownView) and isinstance(right, RunText)
            await laid_out(right)
            assert left.filling
            return left, right

        left, right = await rendered_again()
        right.scroll_to(y=right.max_scroll_y / 2, animate=False, immediate=True)  # synced
        assert 0 < left.scroll_y < left.max_scroll_y  # half of what is rendered yet
        await left.wait_filled()
        await pilot.pause()
        assert left.max_scroll_y > 500
        assert left.scroll_y / left.max_scroll_y == pytest.approx(0.5, abs=0.01)

        left, right = await rendered_again()  # each pane keeps its place, the left once filled
        await left.wait_filled()
        await pilot.pause()
        assert left.scroll_y / left.max_scroll_y == pytest.approx(0.5, abs=0.01)
        assert right.scroll_y / right.max_scroll_y == pytest.approx(0.5, abs=0.01)

        screen.action_toggle_sync()
        left, right = await rendered_again()
        await pilot.press("end")  # the reader scrolls while it fills: to the end, so far
        await pilot.wait_for_scheduled_animations()  # the scroll may be animated: its end
        where = left.scroll_y
        await left.wait_filled()
        await pilot.pause()
        assert 0 < where < left.max_scroll_y
        assert left.scroll_y == pytest.approx(where, abs=1)  # left where the reader put it
