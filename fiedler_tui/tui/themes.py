"""Theme files (YAML) turned into ``textual.theme.Theme`` objects.

Built-in themes ship in the package (``themes/`` at the top of the repository); users add their own
as ``*.yaml`` in ``<config dir>/themes``. A broken file is collected with its reason and skipped,
so the app can report all of them once and carry on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

from fiedler_tui.core.locations import user_config_dir

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster: themes load before the first
frame), else the pure-Python one."""

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
        raw: Any = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError("a theme file must be a mapping")
    return theme_from_mapping(raw)


def _load_files(files: Iterable[Traversable | Path], into: ThemeLoad) -> None:
    for file in sorted(files, key=lambda f: f.name):
        if not file.name.endswith((".yaml", ".yml")):
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
