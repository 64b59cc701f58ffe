"""Review screen: how long switching output (``n``/``p``) or view (``m``) takes, up to 256 KB.

A Review screen (the app's own, in a headless app at ``--size``, 160x50 by default) holds one
output of each size given (typical model Markdown: headings, paragraphs with inline code, bold
and links, nested lists, a Python code fence, a table, a quote; about 1.3 KB a section, so sizes
are rounded up to whole sections). The script steps the left pane through them, as ``n`` does,
and toggles the view, as ``m`` does, and times each from the action's call to the first frame
after it (what the reader waits for). Per size:

- ``n cold``: switching to an output never rendered at this width (the render cache is emptied
  before each round): its head is rendered in a thread before the title changes;
- ``whole``: from that switch until the output is rendered whole (the rest follows in a worker,
  piece by piece, the app answering keys meanwhile); ``stall``: the longest the event loop was
  blocked meanwhile (a task sleeping 2 ms in a loop records how late it wakes);
- ``n warm``: switching to it again (its rows come from the cache);
- ``m raw`` / ``m md``: switching the view to raw text and back to rendered (warm).

Every switch is checked: the pane's title and the rows it shows must belong to the same output
(``mismatch`` counts the frames where they did not; any is a bug). Figures in ms, median and
95th percentile of ``--repeat`` rounds.

Usage: ``.venv/bin/python bench/review_markdown.py [--sizes 1,4,16,64,128,256] [--repeat 20]
[--size 160x50]``. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePath
from typing import Any, ClassVar

import rich
import textual
from textual.app import App

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.markdown_lines import RENDERED
from fiedler_tui.tui.widgets.output_pane import OutputPane

TUI_DIR = Path(__file__).resolve().parent.parent / "fiedler_tui" / "tui"


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
    CSS_PATH: ClassVar[list[str | PurePath]] = [TUI_DIR / "app.tcss", TUI_DIR / "screens.tcss"]

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def on_mount(self) -> None:
        records = [{"alias": alias, "status": "done"} for alias in self.texts]
        self.push_screen(ReviewScreen({"models": records, "status": "done"}, self.texts))


async def next_frame(app: App[None]) -> None:
    done = asyncio.Event()
    app.screen.call_after_refresh(done.set)
    await done.wait()


def consistent(pane: OutputPane, texts: dict[str, str]) -> bool:
    """Whether the title's output is the one whose rows the pane shows, in the view named."""
    view = pane.view
    return view.text == texts[str(pane.alias)] and view.rendered == pane.rendered


async def timed(app: App[None], action: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await action()
    await next_frame(app)
    return time.perf_counter() - start


async def until_whole(pane: OutputPane) -> tuple[float, float]:
    """Seconds until the pane's view is whole, and the longest event-loop stall meanwhile."""
    stalls: list[float] = []
    running = True

    async def sampler() -> None:
        while running:
            begin = time.perf_counter()
            await asyncio.sleep(0.002)
            stalls.append(time.perf_counter() - begin - 0.002)

    task = asyncio.create_task(sampler())
    start = time.perf_counter()
    await pane.view.wait_rendered()
    whole = time.perf_counter() - start
    running = False
    await task
    return whole, max(stalls, default=0.0)


def figures(values: list[float]) -> str:
    ms = sorted(1000 * v for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{statistics.median(ms):6.0f} {p95:5.0f}"


async def run(sizes: list[int], repeat: int, width: int, height: int) -> None:
    texts = {f"{size} KB": sample(size * 1000) for size in sizes}
    texts = {"start": "# Start", **texts}
    app = Bench(texts)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        screen.split = False
        await screen.action_toggle_split()  # one pane, as wide as the screen
        await screen.action_toggle_split()
        await pilot.pause()
        pane = screen.query_one("#pane-left", OutputPane)
        results: dict[str, dict[str, list[float]]] = {
            name: {k: [] for k in ("cold", "whole", "stall", "warm", "raw", "md")} for name in texts
        }
        mismatches = 0
        rows: dict[str, int] = {}
        for _ in range(repeat):
            RENDERED.clear()
            screen.shown[0] = 0
            await screen._show_panes((0,))
            await pilot.pause()
            for name in list(texts)[1:]:
                figures_of = results[name]
                figures_of["cold"].append(await timed(app, screen.action_next_output))
                mismatches += not consistent(pane, texts)
                whole, stall = await until_whole(pane)
                figures_of["whole"].append(whole)
                figures_of["stall"].append(stall)
                rows[name] = len(pane.view.rows)
                await pilot.pause()
            for index, name in enumerate(list(texts)[1:], 1):
                figures_of = results[name]
                screen.shown[0] = index - 1
                await screen._show_panes((0,))
                await pilot.pause()
                figures_of["warm"].append(await timed(app, screen.action_next_output))
                mismatches += not consistent(pane, texts)
                figures_of["raw"].append(await timed(app, screen.action_toggle_markdown))
                mismatches += not consistent(pane, texts)
                figures_of["md"].append(await timed(app, screen.action_toggle_markdown))
                mismatches += not consistent(pane, texts)
        print(
            f"{'output':>8} {'rows':>6} {'n cold':>12} {'whole':>12} {'stall':>12} "
            f"{'n warm':>12} {'m raw':>12} {'m md':>12}"
        )
        print(f"{'':>8} {'':>6}" + "   median p95" * 6)
        for name in list(texts)[1:]:
            f = results[name]
            print(
                f"{name:>8} {rows[name]:6} {figures(f['cold']):>12} {figures(f['whole']):>12} "
                f"{figures(f['stall']):>12} {figures(f['warm']):>12} {figures(f['raw']):>12} "
                f"{figures(f['md']):>12}"
            )
        print(f"frames with the title of one output over the rows of another: {mismatches}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1,4,16,64,128,256", help="KB, comma-separated")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--size", default="160x50", help="terminal columns x rows")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    print(
        f"Textual {textual.__version__}, Rich {_version(rich)}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"{width}x{height}"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    asyncio.run(run(sizes, args.repeat, width, height))


def _version(module: Any) -> str:
    from importlib.metadata import version

    return version(module.__name__)


if __name__ == "__main__":
    main()
