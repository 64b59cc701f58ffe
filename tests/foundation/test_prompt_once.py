"""A prompt option given twice is bad input naming both values, on every command that takes
one (the last one used to win silently)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["dry-run", ".", "-p", "first", "-p", "second"], "-p/--prompt given twice"),
        (["send", ".", "--prompt", "first", "-p", "second"], "-p/--prompt given twice"),
        (
            ["batch", "submit", ".", "--prompt-file", "first", "--prompt-file", "second"],
            "--prompt-file given twice",
        ),
        (
            ["crosstalk", ".", "--template", "first", "--template", "second"],
            "--template given twice",
        ),
    ],
)
def test_a_second_prompt_option_is_refused(tmp_path: Path, argv: list[str], said: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fiedler_tui", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert f"{said} ('first' and 'second'): give it once" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
