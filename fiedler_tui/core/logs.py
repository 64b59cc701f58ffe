"""Logging to a private file in the user's state dir, with every secret masked.

A redaction filter masks each registered key value and common secret shapes in every record,
including arguments and exception text. ``FIEDLER_LOG_JSON=1`` writes one JSON object per line.
Records often quote text from outside (a server's error body, a file name): both formats show its
terminal controls as visible escapes, so reading the log with ``cat`` or ``tail -f`` is safe.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fiedler_tui.core.redaction import mask_secrets
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.terminal_text import escape_controls

LOGGER_NAME = "fiedler_tui"
MASK = "[REDACTED]"


class RedactionFilter(logging.Filter):
    """Replace known secret values and secret-shaped strings with a mask in every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        self._secrets.update(s for s in secrets if s and len(s) >= 6)

    def redact(self, text: str) -> str:
        return mask_secrets(text, self._secrets, MASK)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            formatter = logging.Formatter()
            message = f"{message}\n{formatter.formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message = f"{message}\n{record.stack_info}"
            record.stack_info = None
        record.msg = self.redact(message)
        record.args = None
        return True


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``, terminal controls shown as escapes (newlines kept)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (already redacted); no raw
    terminal controls (the escapes added are JSON escapes of the same characters)."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return escape_controls(json.dumps(payload, ensure_ascii=False))


_FILTER = RedactionFilter()


def register_secrets(secrets: Iterable[str]) -> None:
    """Add key values to mask in every later record."""
    _FILTER.add_secrets(secrets)


def _private_stream(path: Path) -> Any:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)  # a log file made earlier by other means is made private too
    return os.fdopen(fd, "a", encoding="utf-8")


def setup_logging(settings: Settings) -> Path | None:
    """Send the package's log records to the log file; return its path (None if unopenable)."""
    logger = logging.getLogger(LOGGER_NAME)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    logger.setLevel(settings.log_level)
    logger.propagate = False
    if settings.no_disk:
        logger.addHandler(logging.NullHandler())
        return None
    try:
        handler: logging.Handler = logging.StreamHandler(_private_stream(settings.log_file))
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.addFilter(_FILTER)
    if settings.log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    logger.addHandler(handler)
    return settings.log_file
