"""Time to first paint in a real terminal (tmux), fiedler against a minimal Textual app.

Each case is a fresh process in a detached tmux pane (120x36, private tmux server); the clock
starts just before tmux is asked to start the pane and stops when ``capture-pane`` first shows
the case's marker text (polled every 10 ms). The cases run interleaved, ``--repeat`` times:

- ``minimal``: a Textual app with one ``Static`` (the floor: interpreter, Textual import,
  driver start, first frame);
- ``fiedler --demo``: the real entry point, until the Compose screen's first frame (its
  "Prompt" panel), and until the demo models are listed;
- ``fiedler``: the real entry point with the packaged models.yaml (read and validated before
  the app starts, so a broken file is reported before the screen opens), until the "Prompt"
  panel and until the models are listed;
- ``run screen``: a script that builds ``FiedlerApp`` (demo providers) and pushes
  ``RunScreen`` for a 5-model run, until the panes are drawn and until the run is done; the
  script also reports, from inside, the time from ``push_screen`` to the screen's first frame.

The package's bytecode is compiled first, as an installed wheel's is: where
``PYTHONDONTWRITEBYTECODE`` is set (as on these machines), a checkout would otherwise compile
every module from source at every start (about 50 ms more).

Usage: ``.venv/bin/python bench/first_paint.py [--repeat 7]``. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 36)


def minimal_app() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("minimal-app-ready")

    Minimal().run()


def run_screen_app() -> None:
    sys.path.insert(0, str(ROOT))
    from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
    from fiedler_tui.core.keys import KeyStore
    from fiedler_tui.core.send import SendSession
    from fiedler_tui.core.settings import Settings
    from fiedler_tui.tui.app import FiedlerApp
    from fiedler_tui.tui.screens.run import RunScreen

    project = Path(tempfile.mkdtemp()) / "project"
    project.mkdir()
    (project / "app.py").write_text("def main():\n    return 42\n")
    settings = Settings.from_env({**os.environ, "FIEDLER_ALLOWED_FILE_ROOTS": str(project)})

    tui = Path(sys.modules[FiedlerApp.__module__].__file__ or "").parent
    css = FiedlerApp.CSS_PATH if isinstance(FiedlerApp.CSS_PATH, list) else [FiedlerApp.CSS_PATH]

    class RunFirst(FiedlerApp):
        CSS_PATH = [tui / path for path in css]  # noqa: RUF012 - the app's own stylesheets

        async def on_mount(self) -> None:
            await super().on_mount()
            self.run_worker(self._open_run_screen())

        async def _open_run_screen(self) -> None:
            if await self.wait_for_config() is None:  # the demo starts after the first frame
                raise SystemExit(self.config_problem)
            demo = self._demo_env
            assert demo is not None
            aliases = [m.name for m in demo.models]
            with DryRunEngine(self.settings) as engine:
                result = engine.run(
                    [project],
                    [self.config.resolve(a) for a in aliases],
                    DryRunOptions(prompt="review"),
                )
            session = SendSession(
                config=self.config,
                settings=self.settings,
                keys=demo.keys,
                result=result,
                aliases=aliases,
            )
            session.preflight()
            screen = RunScreen(session)
            report = os.environ.get("FIRST_PAINT_REPORT")
            compositor = screen._compositor
            render_update = compositor.render_update

            def first_frame(*args: Any, **kwargs: Any) -> Any:
                # Bench-only hook: the time of the Run screen's first composed frame.
                if report and not Path(report).exists():  # whole or absent: renamed into place
                    Path(f"{report}.tmp").write_text(f"{time.perf_counter() - pushed}")
                    Path(f"{report}.tmp").replace(report)
                return render_update(*args, **kwargs)

            compositor.render_update = first_frame  # type: ignore[method-assign]
            pushed = time.perf_counter()
            await self.push_screen(screen)

    RunFirst(settings=settings, keystore=KeyStore(env={}), demo=True, start_screen=False).run()


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(home / variable.lower())
    env["FIEDLER_NO_DISK"] = "1"
    return env


def time_case(command: list[str], markers: list[str], env: dict[str, str]) -> list[float]:
    """Seconds from starting the pane until each marker is on screen (in order)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.tmux import TmuxSession

    session = TmuxSession(command, size=SIZE, env=env, cwd=str(ROOT))
    times: list[float] = []
    start = time.perf_counter()
    session.start()
    try:
        pending = list(markers)
        deadline = start + 30
        while pending:
            screen = session.capture()
            now = time.perf_counter()
            while pending and pending[0] in screen:
                times.append(now - start)
                pending.pop(0)
            if now > deadline:
                raise SystemExit(f"{pending[0]!r} never appeared:\n{screen}")
            time.sleep(0.01)
    finally:
        session.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", choices=["minimal", "run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "minimal":
        minimal_app()
        return
    if args.child == "run":
        run_screen_app()
        return
    compileall.compile_dir(ROOT / "fiedler_tui", quiet=1)  # see the docstring
    python = sys.executable
    cases: dict[str, tuple[list[str], list[str]]] = {
        "minimal Textual app": ([python, __file__, "--child", "minimal"], ["minimal-app-ready"]),
        "fiedler --demo": (
            [str(Path(python).parent / "fiedler"), "--demo"],
            ["─ Prompt ─", "demo-swift"],
        ),
        "fiedler (models.yaml)": (
            [str(Path(python).parent / "fiedler")],
            ["─ Prompt ─", "gpt-"],
        ),
        "run screen (5 demo models)": (
            [python, __file__, "--child", "run"],
            ["1 demo-swift", "Run done"],
        ),
    }
    results: dict[str, list[list[float]]] = {name: [] for name in cases}
    screen_times: list[float] = []
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"tmux {SIZE[0]}x{SIZE[1]}, {args.repeat} runs per case, interleaved")
    with tempfile.TemporaryDirectory() as home:
        env = child_env(Path(home))
        for command, markers in cases.values():  # warm the file cache once
            time_case(command, markers[:1], env)
        report = Path(home) / "run-screen.txt"
        env["FIRST_PAINT_REPORT"] = str(report)
        for _ in range(args.repeat):
            for name, (command, markers) in cases.items():
                report.unlink(missing_ok=True)
                results[name].append(time_case(command, markers, env))
                if report.exists():
                    screen_times.append(float(report.read_text()))
    floor = statistics.median(run[0] for run in results["minimal Textual app"])
    for name, (_, markers) in cases.items():
        runs = results[name]
        for index, marker in enumerate(markers):
            values = sorted(run[index] for run in runs)
            median = statistics.median(values)
            ratio = f"  ({median / floor:.2f}x minimal)" if index == 0 else ""
            print(
                f"{name:<28} {marker!r:<20} median {median * 1000:6.0f} ms"
                f"  min {values[0] * 1000:6.0f}  max {values[-1] * 1000:6.0f}{ratio}"
            )
    if screen_times:
        median = statistics.median(screen_times) * 1000
        print(f"run screen: push_screen -> its first frame, median {median:.0f} ms (in-process)")


if __name__ == "__main__":
    main()
