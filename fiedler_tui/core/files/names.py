"""Printable, unambiguous spelling of file names that may hold newlines, quotes or escapes."""

from __future__ import annotations

from collections.abc import Callable

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_escape(code: int) -> str:
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _visible_escape(code: int) -> str:
    """The escapes every command shows terminal controls with (``core.terminal_text``):
    ``\\x1b`` for a C0 control, ``\\u009b``/``\\u202e`` above it."""
    if code < 0x20:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _plain(name: str) -> bool:
    return name.isprintable() and '"' not in name and "\\" not in name


def _quoted(name: str, escape: Callable[[int], str]) -> str:
    out = ['"']
    for char in name:
        short = _SHORT_ESCAPES.get(char)
        if short is not None:
            out.append(short)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(escape(ord(char)))
    out.append('"')
    return "".join(out)


def quote_name(name: str) -> str:
    """``name`` as a JSON string literal: quotes and backslashes escaped, every character that is
    not printable (newlines, ESC and other controls, lone surrogates from undecodable bytes)
    written as ``\\uXXXX``. Safe to print on a terminal and to parse back with ``json.loads``."""
    return f'"{name}"' if _plain(name) else _quoted(name, _json_escape)


def display_name(name: str) -> str:
    """``name`` for human output: unchanged when plainly printable, else in double quotes with
    quotes and backslashes escaped, ``\\n``, ``\\t``, ``\\r``, and every other character that is
    not printable written as the commands write terminal controls (``\\x1b``, ``\\u202e``)."""
    return name if _plain(name) else _quoted(name, _visible_escape)
