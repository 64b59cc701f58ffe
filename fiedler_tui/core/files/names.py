"""Printable, unambiguous spelling of file names that may hold newlines, quotes or escapes."""

from __future__ import annotations

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote_name(name: str) -> str:
    """``name`` as a JSON string literal: quotes and backslashes escaped, every character that is
    not printable (newlines, ESC and other controls, lone surrogates from undecodable bytes)
    written as ``\\uXXXX``. Safe to print on a terminal and to parse back with ``json.loads``."""
    if name.isprintable() and '"' not in name and "\\" not in name:
        return f'"{name}"'
    out = ['"']
    for char in name:
        short = _SHORT_ESCAPES.get(char)
        if short is not None:
            out.append(short)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def display_name(name: str) -> str:
    """``name`` for human output: unchanged when plainly printable, else quoted and escaped."""
    if name.isprintable() and '"' not in name and "\\" not in name:
        return name
    return quote_name(name)
