"""One definition of terminal controls: escaped for printing and logs, stripped from answers."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from fiedler_tui.commands.table import render_table
from fiedler_tui.core.files.names import display_name, quote_name
from fiedler_tui.core.logs import setup_logging
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.terminal_text import escape_controls, strip_controls

HOSTILE = (
    "clip\x1b]52;c;ZXZpbA==\x07 clear\x1b[2J c1\x9b2J osc\x9d0;t\x9c rtl\u202eexe.txt\u2069"
    " del\x7f nul\x00 tab\tend\r\nnext"
)
CONTROLS = {
    *range(0x00, 0x09),
    *range(0x0B, 0x20),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
}


def test_every_control_and_only_those_is_escaped() -> None:
    for code in range(0x3000):
        char = chr(code)
        escaped = escape_controls(f"a{char}b")
        if code in CONTROLS:
            assert char not in escaped, hex(code)
            expected = f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"
            assert escaped == f"a{expected}b", hex(code)
        else:
            assert escaped == f"a{char}b", hex(code)


def test_escapes_are_visible_and_text_is_kept() -> None:
    shown = escape_controls(HOSTILE)
    assert shown == (
        "clip\\x1b]52;c;ZXZpbA==\\x07 clear\\x1b[2J c1\\u009b2J osc\\u009d0;t\\u009c"
        " rtl\\u202eexe.txt\\u2069 del\\u007f nul\\x00 tab\tend\nnext"
    )
    assert escape_controls(shown) == shown  # escaping twice changes nothing
    assert escape_controls("plain text\n") == "plain text\n"


def test_json_passed_through_stays_valid_and_decodes_to_the_same_text() -> None:
    for ensure_ascii in (False, True):
        text = escape_controls(json.dumps({"m": HOSTILE}, ensure_ascii=ensure_ascii))
        assert not any(ord(c) in CONTROLS for c in text)
        assert json.loads(text) == {"m": HOSTILE}


def test_strip_removes_whole_sequences_and_bidi_controls() -> None:
    assert strip_controls(HOSTILE) == ("clip clear c12J osc0;t rtlexe.txt del nul tab\tend\nnext")


def test_table_cells_are_escaped_and_stay_on_one_line_and_aligned() -> None:
    table = render_table(["name", "n"], [["evil\x1b[2J\nx", "1"], ["ok", "22"]], {1})
    lines = table.splitlines()
    assert len(lines) == 4 and "\x1b" not in table
    assert lines[2] == "evil\\x1b[2J\\nx   1"
    assert len(lines[2]) == len(lines[3]) == len(lines[0])


def test_log_file_escapes_controls_in_text_and_json(tmp_path: Path) -> None:
    for json_mode in ("0", "1"):
        log_file = tmp_path / f"fiedler-{json_mode}.log"
        settings = Settings.from_env(
            {"FIEDLER_LOG_FILE": str(log_file), "FIEDLER_LOG_JSON": json_mode}
        )
        setup_logging(settings)
        log = logging.getLogger("fiedler_tui.test")
        log.warning("provider said: %s", HOSTILE)
        try:
            raise ValueError(f"boom {HOSTILE}")
        except ValueError:
            log.exception("failed")
        for handler in logging.getLogger("fiedler_tui").handlers:
            handler.flush()
        text = log_file.read_text("utf-8")
        assert not any(ord(c) in CONTROLS for c in text), json_mode
        assert "\\x1b]52;c;ZXZpbA==" in text or "\\u001b]52;c;ZXZpbA==" in text
        if json_mode == "1":
            first, second = (json.loads(line) for line in text.splitlines())
            assert first["message"] == f"provider said: {HOSTILE}"
            assert second["message"].startswith("failed\nTraceback")
        else:
            assert "clear\\x1b[2J" in text and "Traceback (most recent call last):\n" in text


def test_file_names_show_controls_as_every_other_text_does() -> None:
    """A name holding a control is quoted, and the control written as escape_controls writes it
    (``\\x1b``, as the README says), not as JSON's ``\\u001b``; the package's own headers keep
    JSON string literals, which parse back to the name."""
    for code in sorted(CONTROLS - {0x0D}):
        name = f"a{chr(code)}b"
        assert display_name(name) == f'"{escape_controls(name)}"', hex(code)
        assert json.loads(quote_name(name)) == name
    assert display_name("x\x1b[2J\n.txt") == '"x\\x1b[2J\\n.txt"'
    assert quote_name("x\x1b") == '"x\\u001b"'
