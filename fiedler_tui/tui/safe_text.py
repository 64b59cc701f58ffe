"""Untrusted text (model output, file names, provider messages) made safe to display.

Rich markup such as ``[red]`` or ``[@click=...]`` is never interpreted: text is wrapped in a
``rich.text.Text`` object, which Textual renders literally. Terminal control sequences (ESC, CSI,
OSC 52 clipboard writes, C1 controls) are removed; tabs and newlines are kept.
"""

from __future__ import annotations

import re

from rich.text import Text

# ESC-introduced sequences (CSI, OSC ... BEL/ST, and two-byte escapes), then any other C0/C1
# control character except tab and newline.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST (or cut off)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS
    r"|\x1b[@-Z\\-_]?"  # other escapes, or a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences (keeps tabs and newlines)."""
    return _ESCAPES.sub("", text.replace("\r\n", "\n"))


def plain(text: str) -> Text:
    """A renderable that shows ``text`` literally: no markup, no control sequences."""
    return Text(strip_controls(text))
