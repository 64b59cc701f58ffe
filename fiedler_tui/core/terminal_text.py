"""Text from outside (server errors, model ids, file names, answers) made safe for a terminal.

One definition of the characters a terminal would act on instead of showing: C0 controls other
than tab and newline (ESC starts CSI, OSC 52 clipboard writes, screen clears), DEL, C1 controls
(U+0080–U+009F: 8-bit CSI U+009B and OSC U+009D among them) and the bidi overrides and isolates
(U+202A–U+202E, U+2066–U+2069) that make text read differently from what it holds.

- :func:`escape_controls` shows each of them as a visible escape (``\\x1b``, ``\\u202e``): for
  everything printed by the commands, written to the log and shown in the app's labels.
- :func:`strip_controls` removes whole escape sequences: for an answer's text in the app, where
  ``\\x1b[31m`` would be noise.

Saved answers are never passed through either: they stay byte-exact on disk.
"""

from __future__ import annotations

import re

CONTROL_CLASS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
"""A regular-expression class of every character a terminal must not receive raw."""

_CONTROL = re.compile(CONTROL_CLASS)

# ESC-introduced sequences (CSI, OSC ... BEL/ST, DCS/PM/APC/SOS ... ST, two-byte escapes), then
# any other control character.
_SEQUENCE_OR_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST (or cut off)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS
    r"|\x1b[@-Z\\-_]?"  # other escapes, or a lone ESC
    "|" + CONTROL_CLASS
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    # \uXXXX above the C0 range: a valid JSON escape too, so JSON text passed through
    # escape_controls stays valid and decodes to the same string (json.dumps already writes C0
    # controls as \u00XX; with ensure_ascii=False it leaves DEL, C1 and bidi controls raw).
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character shown as a visible escape; tabs and newlines kept,
    ``\\r\\n`` line ends read as ``\\n``."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_visible, text.replace("\r\n", "\n"))


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences or control characters (keeps tabs and
    newlines; ``\\r\\n`` line ends read as ``\\n``)."""
    return _SEQUENCE_OR_CONTROL.sub("", text.replace("\r\n", "\n"))
