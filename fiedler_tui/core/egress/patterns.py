"""One egress rule's path: a folder (or file) or a glob, relative to a root or absolute.

A path without ``*``, ``?`` or ``[`` names a folder (everything under it) or a single file. A glob
matches with ``*`` and ``?`` inside one path component, ``[...]`` a class, and ``**`` any number of
components; a glob without ``/`` matches at any depth (``*.pem`` is ``**/*.pem``), and a glob that
matches a folder covers the files under it. ``~`` starts an absolute path in the home folder;
other relative paths are matched inside each allowed root.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

GLOB_CHARACTERS = "*?["


class PatternError(ValueError):
    """The rule's path cannot be read as a folder or a glob (the message says why)."""


def path_problem(text: str) -> str | None:
    """Why ``text`` is not a usable rule path, or None."""
    try:
        parse_pattern(text)
    except PatternError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class Pattern:
    """A rule path made ready for matching."""

    text: str
    """As written in models.yaml."""
    absolute: bool
    """True: matched against a file's resolved path; False: against its path inside its root."""
    literal: str
    """The part before the first glob character (a folder's path ends with ``/``); its length
    measures how specific the rule is."""
    glob: re.Pattern[str] | None
    """None for a folder or file path; else the glob, followed by any path under what it
    matched (a glob matching a folder covers its files)."""
    floating: bool = False
    """True for a glob starting with ``**/`` at its root: ``glob`` is then searched for at any
    folder boundary (the same paths as a full match, without the backtracking)."""

    def matches(self, path: str) -> bool:
        """Whether ``path`` (``/``-separated; absolute or root-relative as the rule is) is
        under this folder, is this file, or matches this glob (itself or a folder above it)."""
        if self.glob is None:
            folder = self.literal  # ends with / (or is empty: the whole root)
            return not folder or path.startswith(folder) or path == folder[:-1]
        if self.floating:
            return self.glob.search(path) is not None
        return self.glob.fullmatch(path) is not None


def parse_pattern(text: str, home: str | None = None) -> Pattern:
    """The pattern of ``text``; PatternError says what is wrong with it. ``home`` stands for
    ``~`` (default: the user's home folder, resolved); absolute folders are resolved too, so a
    symlinked home still matches the resolved paths files are judged by."""
    raw = text.strip()
    if not raw:
        raise PatternError("must not be empty")
    if "\\" in raw:
        raise PatternError("use / between folders, not \\")
    if raw.startswith("~") and not (raw == "~" or raw.startswith("~/")):
        raise PatternError("only ~ or ~/ (your own home folder) may start a path")
    parts = raw.split("/")
    if ".." in parts:
        raise PatternError("'..' is not allowed; name the folder itself")
    absolute = raw.startswith(("/", "~"))
    if raw.startswith("~"):
        raw = (home or os.path.expanduser("~")).rstrip("/") + raw[1:]
    first_glob = _first_glob(raw)
    if first_glob < 0:
        return _folder(text, raw, absolute)
    return _glob(text, raw, absolute, first_glob)


def _folder(text: str, raw: str, absolute: bool) -> Pattern:
    if absolute:
        folder = os.path.realpath(raw).replace(os.sep, "/").rstrip("/")
    else:
        folder = "/".join(p for p in raw.split("/") if p not in ("", "."))
    return Pattern(text, absolute, folder + "/" if folder else "", None)


def _glob(text: str, raw: str, absolute: bool, first_glob: int) -> Pattern:
    cut = raw.rfind("/", 0, first_glob)
    head, tail = (raw[: cut + 1], raw[cut + 1 :]) if cut >= 0 else ("", raw)
    if absolute:
        resolved = os.path.realpath(head).replace(os.sep, "/").rstrip("/")
        head = resolved + "/"
    else:
        head = "/".join(p for p in head.split("/") if p not in ("", "."))
        head = head + "/" if head else ""
        if not head and "/" not in tail.rstrip("/"):
            tail = "**/" + tail  # *.pem: at any depth
    body = tail.rstrip("/") or tail
    literal = head if body.startswith("**") else head + body[: _first_glob(body)]
    if not head and body.startswith("**/"):
        expression = "(?:^|/)" + _translate(body[3:]) + "(?:/|$)"
        return Pattern(text, absolute, literal, re.compile(expression), floating=True)
    expression = re.escape(head) + _translate(body) + "(?:/.*)?"
    return Pattern(text, absolute, literal, re.compile(expression, re.DOTALL))


def _first_glob(text: str) -> int:
    """Index of the first glob character in ``text``, or -1."""
    found = [i for i in (text.find(c) for c in GLOB_CHARACTERS) if i >= 0]
    return min(found) if found else -1


def _translate(glob: str) -> str:
    """The regular expression of ``glob`` (``**``, ``*``, ``?``, ``[...]``)."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**", i):
            after = i + 2
            before_ok = i == 0 or glob[i - 1] == "/"
            if not before_ok or (after < len(glob) and glob[after] != "/"):
                raise PatternError("'**' must be a whole folder name (like a/**/b)")
            if after < len(glob):
                out.append("(?:[^/]+/)*")
                i = after + 1
            else:
                out.append(".*")
                i = after
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", i + 2 if glob.startswith(("[!", "[^"), i) else i + 1)
            if end < 0:
                raise PatternError("'[' without its closing ']'")
            inner = glob[i + 1 : end]
            negate = inner[:1] in ("!", "^")
            inner = inner[1:] if negate else inner
            if "/" in inner or not inner:
                raise PatternError("a [...] class must hold characters other than /")
            escaped = inner.replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[^/{escaped}]" if negate else f"(?!/)[{escaped}]")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
