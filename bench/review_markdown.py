"""Review screen: how long opening an output takes, rendered as Markdown or as plain text.

For each size, typical model Markdown (headings, paragraphs with inline code, bold and links,
bullet and numbered lists, a Python code fence, a small table, a quote; about 1 KB a section,
repeated; ``--prose``: only the paragraphs and headings of it, the cheapest kind of Markdown) is
shown in an :class:`OutputPane` the way the Review screen shows it, in a headless app at 120x36,
rendered (the pane's size limit lifted) and as raw text. Figures, medians of ``--repeat`` runs:

- ``open``: from the call to ``OutputPane.show`` until the first frame after it (what a reader
  waits for);
- ``stall``: the longest the event loop was blocked meanwhile (a task sleeping 2 ms in a loop
  records how late it wakes), i.e. how long keys and repaints wait;
- ``blocks``: the Markdown blocks the pane counts against its limit (``block_count``);
- ``widgets``: how many widgets the rendered document has.

Usage: ``.venv/bin/python bench/review_markdown.py [--sizes 10,100,200,500] [--repeat 5]
[--prose] [--views markdown,raw]``.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial

import textual
from textual.app import App, ComposeResult

from fiedler_tui.tui.widgets.markdown_view import MarkdownView, block_count
from fiedler_tui.tui.widgets.output_pane import OutputPane

SECTION = """## Finding {i}: `load_config()` reads the file twice

The function `load_config()` in **src/config.py** opens the file once to validate it and once to
parse it; between the two reads the file can change. See [the docs](https://example.com/{i}) and
issue #{i}. This is *likely* harmless in tests but matters in production.

- read the file once and pass the text on
- keep the validation, but run it on the parsed object
  - this also removes a `try`/`except` that hides errors

1. change `load_config()` to take the text
2. update the two callers

```python
def load_config(path: Path) -> Config:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return Config.model_validate(data)
```

| file | line | severity |
|---|---|---|
| src/config.py | {i} | medium |
| src/cli.py | 88 | low |

> Note: the second read was added in a refactoring; the tests do not cover it.

"""


def prose(section: str) -> str:
    """Only the headings and paragraphs of ``section``."""
    blocks = section.split("\n\n")
    return "\n\n".join(b for b in blocks if b.startswith(("#", "The ", "This "))) + "\n\n"


def sample(size: int, only_prose: bool = False) -> str:
    """About ``size`` bytes of Markdown made of whole sections."""
    parts: list[str] = []
    total, i = 0, 1
    while total < size:
        part = SECTION.format(i=i)
        if only_prose:
            part = prose(part)
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts)


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        yield OutputPane(id="pane")


async def next_frame(app: App[None]) -> None:
    done = asyncio.get_running_loop().create_future()
    app.screen.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


async def measure(app: App[None], action: Callable[[], object]) -> tuple[float, float]:
    """(seconds until the first frame after ``action``, longest loop stall in seconds)."""
    stalls: list[float] = []
    running = True

    async def sampler() -> None:
        while running:
            start = time.perf_counter()
            await asyncio.sleep(0.002)
            stalls.append(time.perf_counter() - start - 0.002)

    task = asyncio.create_task(sampler())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    result = action()
    if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
        await result
    await next_frame(app)
    elapsed = time.perf_counter() - start
    running = False
    await task
    return elapsed, max(stalls, default=0.0)


async def run(sizes: list[int], repeat: int, only_prose: bool, views: list[str]) -> None:
    app = Bench()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        pane = app.query_one(OutputPane)
        pane.markdown_limit = pane.block_limit = 10**9  # render every size, to measure it
        print(f"{'size':>8} {'view':>9} {'open ms':>9} {'stall ms':>9} {'blocks':>7} widgets")
        for size in sizes:
            text = sample(size * 1000, only_prose)
            for rendered in [view == "markdown" for view in views]:
                opens, stalls = [], []
                widgets = 0
                for _ in range(repeat):
                    await pane.show("empty", "", rendered=False)
                    await pilot.pause()
                    elapsed, stall = await measure(
                        app, partial(pane.show, "bench", text, rendered=rendered)
                    )
                    opens.append(elapsed)
                    stalls.append(stall)
                    view = pane.view
                    if isinstance(view, MarkdownView):
                        widgets = len(view.query("*"))
                    await pilot.pause()
                name = "markdown" if rendered else "raw"
                print(
                    f"{size:>6}KB {name:>9} {1000 * statistics.median(opens):9.0f} "
                    f"{1000 * statistics.median(stalls):9.0f} {block_count(text):7} {widgets or ''}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10,100,200,500", help="KB, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--prose", action="store_true", help="headings and paragraphs only")
    parser.add_argument("--views", default="markdown,raw", help="markdown, raw or both")
    args = parser.parse_args()
    print(
        f"Textual {textual.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    asyncio.run(run(sizes, args.repeat, args.prose, args.views.split(",")))


if __name__ == "__main__":
    main()
