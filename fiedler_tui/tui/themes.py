"""Theme files (TOML) turned into ``textual.theme.Theme`` objects.

Built-in themes ship in the package (``themes/`` at the top of the repository); users add their own
as ``*.toml`` in ``<config dir>/themes``. A broken file is collected with its reason and skipped,
so the app can report all of them once and carry on.

TOML (as for Helix's or Alacritty's themes) rather than YAML: a theme is flat, and the themes load
before the first frame, where the standard library's ``tomllib`` (2 ms to import) beats PyYAML
(13 ms).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from fiedler_tui.core.locations import user_config_dir

STATUS_VARIABLES = (
    "model-queued",
    "model-retrying",
    "model-streaming",
    "model-done",
    "model-failed",
    "model-cancelled",
)
DEFAULT_THEME = "fiedler-dark"
STATUS_COLOUR_DEFAULTS = {
    "model-queued": "#8a8f98",
    "model-retrying": "#d7af00",
    "model-streaming": "#5f87d7",
    "model-done": "#5faf5f",
    "model-failed": "#d75f5f",
    "model-cancelled": "#af87d7",
}
"""Used by themes without fiedler's variables (Textual's built-in themes, users' own)."""


COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
)
"""The colours a theme file may set (``primary`` is required), as in ``textual.theme.Theme``."""
THEME_FIELDS = frozenset({"name", "dark", "variables", *COLOUR_FIELDS})


def theme_from_mapping(raw: dict[Any, Any]) -> Theme:
    """A theme file's mapping checked field by field; ``ValueError("field: problem")`` if bad.

    Checked by hand rather than with a schema library: themes load before the first frame,
    and this keeps the app from importing one just for a dozen flat fields.
    """
    unknown = sorted(str(key) for key in raw if key not in THEME_FIELDS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown field (expected one of {sorted(THEME_FIELDS)})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name: required, a non-empty string")
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("dark: must be true or false")
    if "primary" not in raw:
        raise ValueError("primary: required")
    colours: dict[str, Any] = {f: _colour(f, raw[f]) for f in COLOUR_FIELDS if f in raw}
    variables = raw.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in variables.items()
    ):
        raise ValueError("variables: must map names to strings")
    for variable in STATUS_VARIABLES:
        if variable in variables:
            _colour(f"variables.{variable}", variables[variable])
    return Theme(name=name, dark=dark, variables=dict(variables), **colours)


def _colour(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field}: not a colour: {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{field}: not a colour: {value!r}") from None
    return value


@dataclass
class ThemeLoad:
    """Themes that loaded, and files that did not with the reason."""

    themes: list[Theme] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _parse(text: str) -> Theme:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    return theme_from_mapping(raw)


def _load_files(files: Iterable[Traversable | Path], into: ThemeLoad) -> None:
    for file in sorted(files, key=lambda f: f.name):
        if file.name.endswith((".yaml", ".yml")):
            into.failures.append(f"{file}: not loaded: themes are TOML files (*.toml), same keys")
            continue
        if not file.name.endswith(".toml"):
            continue
        try:
            into.themes.append(_parse(file.read_text("utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            into.failures.append(f"{file}: {exc}")


def builtin_theme_dir() -> Traversable:
    return resources.files("fiedler_tui").joinpath("data", "themes")


def user_theme_dir() -> Path:
    return user_config_dir() / "themes"


def load_themes(user_dir: Path | None = None) -> ThemeLoad:
    """Built-in themes, then the user's (a user theme may replace a built-in of the same name)."""
    result = ThemeLoad()
    _load_files(builtin_theme_dir().iterdir(), result)
    folder = user_dir if user_dir is not None else user_theme_dir()
    if folder.is_dir():
        _load_files(folder.iterdir(), result)
    by_name = {theme.name: theme for theme in result.themes}
    result.themes = list(by_name.values())
    return result
