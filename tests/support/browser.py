"""Headless Chromium (Debian's package) driven by Playwright, and `fiedler serve` as a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Without the background-networking flags Chromium keeps trying hosts this offline machine
cannot reach."""

_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screen_words(data: bytes) -> str:
    """What a terminal stream writes, controls removed: the text a page shows, in write order."""
    return _ESCAPES.sub("", data.decode("utf-8", "replace"))


@dataclass
class Served:
    url: str
    """The address printed at start, token included."""
    base: str
    process: subprocess.Popen[str]


@contextmanager
def fiedler_serve(*arguments: str, env: Mapping[str, str], cwd: str) -> Iterator[Served]:
    """``fiedler [arguments] serve --port 0`` until the block ends; its announced address."""
    command = [sys.executable, "-m", "fiedler_tui", *arguments, "serve", "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(env), cwd=cwd
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        if found is None:
            process.kill()
            raise AssertionError(f"no address announced: {line!r} {process.communicate()[1]!r}")
        url = found.group(0)
        yield Served(url=url, base=url.split("?", 1)[0], process=process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def require_chromium() -> str:
    """Chromium's path; a missing browser fails the test where tools are required (CI)."""
    import pytest

    path = chromium_path()
    if path is None:
        if os.environ.get("FIEDLER_TEST_REQUIRE_TOOLS") == "1":
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    return path
