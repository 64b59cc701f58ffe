"""``settings.toml`` in the user config dir: the ``FIEDLER_*`` settings and a ``[keymap]``.

Each ``FIEDLER_*`` variable has an entry named as the variable without its prefix, in lower
case (``FIEDLER_MAX_COST_USD`` is ``max_cost_usd``), with a TOML value of its type: a boolean,
a whole number, a number, a string, or (``allowed_file_roots``) a string or a list of strings.
A relative path is relative to the file's folder. The environment wins over the file. The
``[keymap]`` table maps a binding's id (see :mod:`fiedler_tui.core.binding_ids`) to the keys
that replace its own (``send = "ctrl+enter"``, several joined by commas).

Reading never raises: syntax errors, bad types and values, unknown entries and unknown binding
ids come back as problems, each ``settings.toml:LINE: entry: message``. Errors (syntax, type,
value) stop the commands as a bad variable does; unknown entries are warnings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fiedler_tui.core.locations import user_config_dir
from fiedler_tui.core.settings import VARIABLES, Variable, value_kind

SETTINGS_FILE_NAME = "settings.toml"
KEYMAP_TABLE = "keymap"
MAX_SETTINGS_BYTES = 1_000_000
_KEYS = re.compile(r"^[^\s,]+(,[^\s,]+)*$")
_LINE_OF_SYNTAX_ERROR = re.compile(r"\(at line (\d+), column \d+\)")


def settings_path() -> Path:
    """``~/.config/fiedler/settings.toml`` on Linux."""
    return user_config_dir() / SETTINGS_FILE_NAME


def setting_name(variable: Variable) -> str:
    """A variable's entry in the file: ``FIEDLER_MAX_COST_USD`` is ``max_cost_usd``."""
    return variable.name.removeprefix("FIEDLER_").lower()


SETTING_NAMES: dict[str, Variable] = {setting_name(v): v for v in VARIABLES}


@dataclass(frozen=True)
class SettingsFile:
    """What ``settings.toml`` holds, checked."""

    path: Path
    exists: bool = False
    values: dict[str, str] = field(default_factory=dict)
    """Variable name -> its value written as the environment would hold it."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys."""
    keymap_lines: dict[str, int] = field(default_factory=dict)
    """Binding id -> the line it is written on."""
    errors: tuple[str, ...] = ()
    """Syntax errors, bad types or values: they stop the commands."""
    warnings: tuple[str, ...] = ()
    """Unknown entries and binding ids: they are left out."""


def read_settings_file(path: Path | None = None) -> SettingsFile:
    """The file at ``path`` (default :func:`settings_path`); a missing file is an empty one."""
    path = settings_path() if path is None else path
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return SettingsFile(path, True, errors=(f"{path}: larger than 1 MB",))
        raw = path.read_bytes()
    except FileNotFoundError:
        return SettingsFile(path)
    except OSError as exc:
        return SettingsFile(path, True, errors=(f"{path}: cannot be read: {exc.strerror or exc}",))
    import tomllib  # only when there is a file (it is not needed for the first frame)

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return SettingsFile(path, True, errors=(f"{path}: not UTF-8 text",))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _LINE_OF_SYNTAX_ERROR.search(message)
        line = found.group(1) if found else "?"
        reason = _LINE_OF_SYNTAX_ERROR.sub("", message).strip()
        return SettingsFile(path, True, errors=(f"{path.name}:{line}: TOML syntax: {reason}",))
    return _checked(path, text, data)


def _checked(path: Path, text: str, data: dict[str, Any]) -> SettingsFile:
    lines = _Lines(path.name, text)
    values: dict[str, str] = {}
    keymap: dict[str, str] = {}
    errors: list[str] = []
    warnings: list[str] = []
    for name, value in data.items():
        if name == KEYMAP_TABLE:
            if isinstance(value, dict):
                _keymap(value, lines, keymap, errors)
            else:
                errors.append(lines.say(name, "expected a table ([keymap]) of binding id = keys"))
            continue
        variable = SETTING_NAMES.get(name)
        if variable is None:
            warnings.append(lines.say(name, "unknown setting, left out" + close_name(name)))
            continue
        try:
            raw = _as_environment_text(variable, value, path.parent)
            variable.parse(raw)
        except ValueError as exc:
            errors.append(lines.say(name, str(exc)))
            continue
        values[variable.name] = raw
    keymap_lines = {
        binding_id: lines.line_of(binding_id, KEYMAP_TABLE) or 0 for binding_id in keymap
    }
    return SettingsFile(path, True, values, keymap, keymap_lines, tuple(errors), tuple(warnings))


def _keymap(
    table: dict[str, Any], lines: _Lines, keymap: dict[str, str], errors: list[str]
) -> None:
    for binding_id, keys in table.items():
        if isinstance(keys, str) and _KEYS.match(keys.replace(" ", "")):
            keymap[binding_id] = keys.replace(" ", "")
        else:
            message = 'expected keys as a string, e.g. "ctrl+k" or "f10,ctrl+k"'
            entry = f"{KEYMAP_TABLE}.{binding_id}"
            errors.append(lines.say(binding_id, message, entry=entry, table=KEYMAP_TABLE))


def _as_environment_text(variable: Variable, value: Any, folder: Path) -> str:
    """``value`` written as the variable's text; ValueError when its TOML type is wrong."""
    kind = value_kind(variable.parse)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return "1" if value else "0"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
        return str(value)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("expected a number")
        return repr(value)
    if kind == "paths":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError("expected a path or a list of paths")
        return os.pathsep.join(_from_folder(i, folder) for i in items)
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return _from_folder(value, folder) if kind == "path" else value


def _from_folder(raw: str, folder: Path) -> str:
    """A path relative to the settings file's folder (``~`` expanded); empty stays empty."""
    if not raw.strip():
        return raw
    path = Path(raw.strip()).expanduser()
    return str(path if path.is_absolute() else folder / path)


def close_name(name: str, known: Iterable[str] = ()) -> str:
    """`` (did you mean x?)`` when a name of ``known`` (default: the settings) is close."""
    import difflib

    choices = list(known) or [*SETTING_NAMES, KEYMAP_TABLE]
    match = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


class _Lines:
    """Problems worded with the line their key is written on."""

    def __init__(self, file_name: str, text: str) -> None:
        self._file = file_name
        self._lines = text.splitlines()

    def line_of(self, key: str, table: str = "") -> int | None:
        """Where ``key`` is first assigned (inside ``[table]`` when given), or its table's
        header; None when neither is found."""
        quoted = re.escape(key)
        assigned = re.compile(rf"^\s*(\"{quoted}\"|'{quoted}'|{quoted})\s*=")
        header = re.compile(rf"^\s*\[\s*{quoted}\s*\]")
        start = 0
        if table:
            opening = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
            start = next((n for n, ln in enumerate(self._lines) if opening.match(ln)), 0)
        for number, line in enumerate(self._lines[start:], start + 1):
            if assigned.match(line) or header.match(line):
                return number
        return None

    def say(self, key: str, message: str, *, entry: str = "", table: str = "") -> str:
        """``file:LINE: entry: message``."""
        number = self.line_of(key, table)
        where = f"{self._file}:{number}" if number else self._file
        return f"{where}: {entry or key}: {message}"
