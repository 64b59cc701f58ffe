"""Review screen: how long opening an output takes, rendered as Markdown or as plain text.

For each size, typical model Markdown (headings, paragraphs with inline code, bold and links,
bullet and numbered lists, a Python code fence, a small table, a quote; about 1.3 KB a section,
repeated; ``--prose``: only the paragraphs and headings of it, the cheapest kind of Markdown) is
shown in an :class:`OutputPane` the way the Review screen shows it, in a headless app at 120x36,
rendered (the pane's limits lifted) and as raw text. The rendered view fills progressively: its
first chunk is mounted before ``show`` returns, the others are appended one per refresh. Figures,
medians of ``--repeat`` runs:

- ``open``: from the call to ``OutputPane.show`` until the first frame after it (what a reader
  waits for before seeing the beginning);
- ``stall``: the longest the event loop was blocked from that call until the view was whole (a
  task sleeping 2 ms in a loop records how late it wakes), i.e. how long keys and repaints wait;
- ``gc``: the longest full (generation 2) garbage collection meanwhile, often the longest stall;
  as the app does after its first frame, what exists when the bench starts is frozen
  (``gc.freeze``) so collections scan only what was made since, and as the Review screen does
  while shown the first-generation threshold is raised (``CollectorTuning``; ``--no-gc-tuning``
  leaves it at the default); ``--no-gc`` turns the collector off while measuring (not how the
  app runs: to tell rendering stalls from collections);
- ``whole``: from the call until the view is whole (the last chunk appended and laid out);
- ``blocks``: the Markdown blocks the pane counts against its limit; ``chunks``: how many pieces
  the text is rendered in (``--first`` blocks, then ``--budget`` blocks each: by default
  ``FIRST_CHUNK_BLOCKS`` and ``CHUNK_BLOCKS``);
- ``widgets``: how many widgets the rendered document has.

Usage: ``.venv/bin/python bench/review_markdown.py [--sizes 1,4,10,16,32,64] [--repeat 3]
[--prose] [--views markdown,raw] [--budget 12] [--first 6] [--no-gc] [--no-gc-tuning]``.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

import textual
from textual.app import App, ComposeResult

from fiedler_tui.tui.collector_tuning import CollectorTuning
from fiedler_tui.tui.widgets import markdown_view
from fiedler_tui.tui.widgets.markdown_view import MarkdownView, plan_markdown
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
    done = asyncio.Event()
    app.screen.call_after_refresh(done.set)
    await done.wait()


@dataclass
class Figures:
    open: float
    """Seconds from the call until the first frame after it."""
    stall: float
    """The longest event-loop stall, in seconds, until the view was whole."""
    gc: float
    """The longest full garbage collection, in seconds, meanwhile."""
    whole: float
    """Seconds from the call until the view was whole."""


async def measure(app: App[None], pane: OutputPane, show: Callable[[], Awaitable[None]]) -> Figures:
    """Figures for ``show()``, with a task recording how late it wakes from short sleeps."""
    stalls: list[float] = []
    collections: list[float] = []
    running = True
    started = 0.0

    def timed(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if info["generation"] == 2:
            if phase == "start":
                started = time.perf_counter()
            else:
                collections.append(time.perf_counter() - started)

    async def sampler() -> None:
        while running:
            start = time.perf_counter()
            await asyncio.sleep(0.002)
            stalls.append(time.perf_counter() - start - 0.002)

    task = asyncio.create_task(sampler())
    await asyncio.sleep(0.01)
    gc.callbacks.append(timed)
    start = time.perf_counter()
    await show()
    await next_frame(app)
    opened = time.perf_counter() - start
    view = pane.view
    if isinstance(view, MarkdownView):
        await view.wait_filled()
    whole = time.perf_counter() - start
    gc.callbacks.remove(timed)
    running = False
    await task
    return Figures(opened, max(stalls, default=0.0), max(collections, default=0.0), whole)


async def run(
    sizes: list[int],
    repeat: int,
    only_prose: bool,
    views: list[str],
    collect: bool = True,
    tune: bool = True,
) -> None:
    app = Bench()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        # As the app does after its first frame (fiedler_tui.tui.startup_gc): what startup made is
        # not scanned by every full collection.
        gc.collect()
        gc.freeze()
        # And as the Review screen does while it is shown, unless --no-gc-tuning.
        tuning = CollectorTuning()
        if tune:
            tuning.start()
        pane = app.query_one(OutputPane)
        pane.markdown_limit = pane.block_limit = 10**9  # render every size, to measure it
        print(
            f"{'size':>8} {'view':>9} {'open ms':>8} {'stall ms':>9} {'gc ms':>6} "
            f"{'whole ms':>9} {'blocks':>7} {'chunks':>7} widgets"
        )
        for size in sizes:
            text = sample(size * 1000, only_prose)
            plan = plan_markdown(text)
            for rendered in [view == "markdown" for view in views]:
                runs: list[Figures] = []
                widgets = 0
                for _ in range(repeat):
                    await pane.show("empty", "", rendered=False)
                    await pilot.pause()
                    if not collect:
                        gc.collect()
                        gc.disable()
                    runs.append(
                        await measure(
                            app, pane, partial(pane.show, "bench", text, rendered=rendered)
                        )
                    )
                    gc.enable()
                    if isinstance(pane.view, MarkdownView):
                        widgets = len(pane.view.query("*"))
                    await pilot.pause()

                def median(figure: Callable[[Figures], float], of: list[Figures] = runs) -> str:
                    return f"{1000 * statistics.median(figure(r) for r in of):.0f}"

                name, chunks = ("markdown", len(plan.chunks)) if rendered else ("raw", 1)
                print(
                    f"{size:>6}KB {name:>9} {median(lambda r: r.open):>8} "
                    f"{median(lambda r: r.stall):>9} {median(lambda r: r.gc):>6} "
                    f"{median(lambda r: r.whole):>9} {plan.blocks:7} {chunks:7} {widgets or ''}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1,4,10,16,32,64", help="KB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prose", action="store_true", help="headings and paragraphs only")
    parser.add_argument("--views", default="markdown,raw", help="markdown, raw or both")
    parser.add_argument("--budget", type=int, default=markdown_view.CHUNK_BLOCKS)
    parser.add_argument("--first", type=int, default=markdown_view.FIRST_CHUNK_BLOCKS)
    parser.add_argument("--no-gc", action="store_true", help="no garbage collection meanwhile")
    parser.add_argument(
        "--no-gc-tuning", action="store_true", help="ReviewScreen.TUNE_GC off (for comparison)"
    )
    args = parser.parse_args()
    markdown_view.CHUNK_BLOCKS = args.budget
    markdown_view.FIRST_CHUNK_BLOCKS = args.first
    print(
        f"Textual {textual.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; chunks of {args.first}, then "
        f"{args.budget} blocks"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    asyncio.run(
        run(
            sizes,
            args.repeat,
            args.prose,
            args.views.split(","),
            collect=not args.no_gc,
            tune=not args.no_gc_tuning,
        )
    )


if __name__ == "__main__":
    main()
