"""The log file: private, redacted, optionally JSON."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

from fiedler_tui.core.logs import MASK, RedactionFilter, register_secrets, setup_logging
from fiedler_tui.core.settings import Settings


def log_lines(path: Path) -> list[str]:
    for handler in logging.getLogger("fiedler_tui").handlers:
        handler.flush()
    return path.read_text().splitlines()


def test_log_file_is_private_and_masks_registered_keys_and_shapes(tmp_path: Path) -> None:
    log_file = tmp_path / "state" / "fiedler.log"
    settings = Settings.from_env({"FIEDLER_LOG_FILE": str(log_file), "FIEDLER_LOG_LEVEL": "DEBUG"})
    assert setup_logging(settings) == log_file
    register_secrets(["canary-key-value-123"])
    log = logging.getLogger("fiedler_tui.core.test")
    log.info("sending with key %s", "canary-key-value-123")
    log.debug("headers: Authorization: Bearer abcdefghijklmnopqrstuvwxyz")
    log.warning("found sk-proj-ABCDEFGHIJKLMNOPQRSTUV and AIzaSyA1234567890abcdefghijklmnopqrstu")
    try:
        raise ValueError("boom with canary-key-value-123")
    except ValueError:
        log.exception("failed")
    text = "\n".join(log_lines(log_file))
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "canary-key-value-123" not in text
    assert "abcdefghijklmnopqrstuvwxyz" not in text
    assert "sk-proj-ABCDEFGHIJKLMNOPQRSTUV" not in text
    assert "AIzaSyA1234567890" not in text
    assert text.count(MASK) >= 5
    assert "ValueError" in text  # the traceback is kept, redacted


def test_json_lines(tmp_path: Path) -> None:
    log_file = tmp_path / "fiedler.log"
    settings = Settings.from_env({"FIEDLER_LOG_FILE": str(log_file), "FIEDLER_LOG_JSON": "1"})
    setup_logging(settings)
    logging.getLogger("fiedler_tui.x").info("hello %s", "world")
    [line] = log_lines(log_file)
    record = json.loads(line)
    assert record["message"] == "hello world"
    assert record["level"] == "INFO"
    assert record["logger"] == "fiedler_tui.x"


def test_short_values_are_not_registered() -> None:
    flt = RedactionFilter(["abc"])
    assert flt.redact("abc") == "abc"


def test_unwritable_log_location_does_not_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = Settings.from_env({"FIEDLER_LOG_FILE": str(blocker / "sub" / "x.log")})
    assert setup_logging(settings) is None
    logging.getLogger("fiedler_tui").info("goes nowhere, no error")


def test_an_existing_log_file_is_made_private_and_links_are_not_followed(tmp_path: Path) -> None:
    log_file = tmp_path / "fiedler.log"
    log_file.write_text("old line\n")
    log_file.chmod(0o644)
    setup_logging(Settings.from_env({"FIEDLER_LOG_FILE": str(log_file)}))
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    target = tmp_path / "target.txt"
    target.write_text("not a log\n")
    link = tmp_path / "link.log"
    link.symlink_to(target)
    assert setup_logging(Settings.from_env({"FIEDLER_LOG_FILE": str(link)})) is None
    assert target.read_text() == "not a log\n"
