"""The app in headless Chromium through `fiedler serve`: load, Compose, a finished demo run."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from ..support.browser import CHROMIUM_ARGS, fiedler_serve, require_chromium, screen_words


def test_demo_run_from_compose_to_done_in_a_browser(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("def main():\n    return 42\n")
    runs = tmp_path / "runs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")} | {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "FIEDLER_OUTPUT_DIR": str(runs),
        "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
    }
    received = bytearray()

    def shown() -> str:
        return screen_words(bytes(received))

    def wait_for(text: str, page: object, timeout_s: float = 30) -> None:
        waited = 0.0
        while text not in shown():
            assert waited < timeout_s, f"{text!r} never reached the browser: {shown()[-600:]!r}"
            page.wait_for_timeout(100)  # type: ignore[attr-defined]
            waited += 0.1

    with (
        fiedler_serve("--demo", env=env, cwd=str(project)) as served,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on(
                "websocket",
                lambda socket: socket.on(
                    "framereceived",
                    lambda frame: received.extend(frame if isinstance(frame, bytes) else b""),
                ),
            )
            page.goto(served.url)
            assert page.url == served.base  # the token was swapped for the cookie
            wait_for("DEMO: simulated models", page)
            wait_for("app.py", page)
            page.locator(".xterm-helper-textarea").focus()  # the terminal takes the keys
            page.keyboard.type("Review this file")
            wait_for("Review this file", page)
            page.keyboard.press("Tab")  # from the prompt to the files
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            wait_for("1 selected", page)
            compose = tmp_path / "compose.png"
            page.screenshot(path=str(compose))
            page.keyboard.press("Control+s")
            wait_for("Run done:", page, timeout_s=60)
            wait_for("5 succeeded, 0 failed", page)
            done = tmp_path / "done.png"
            page.screenshot(path=str(done))
            # Ctrl+C with the tab still open: the server and the tab's app end, quietly
            served.process.send_signal(signal.SIGINT)
            assert served.process.wait(timeout=30) == 0
            assert served.process.stderr is not None
            assert "Traceback" not in served.process.stderr.read()
        finally:
            browser.close()
    # the screenshots are real pictures of two different screens
    for picture in (compose, done):
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert picture.stat().st_size > 20_000
    assert compose.read_bytes() != done.read_bytes()
    [run_dir] = list(runs.iterdir())
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "done"
    assert summary["package"]["files"] == 1
    assert len(summary["models"]) == 5
    assert "Traceback" not in shown()
