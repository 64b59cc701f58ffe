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
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
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


class ThemeFile(BaseModel):
    """The YAML shape of a theme file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    dark: bool = True
    primary: str
    secondary: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    success: str | None = None
    warning: str | None = None
    error: str | None = None
    variables: dict[str, str] = {}

    @field_validator(
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
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Color.parse(value)
            except ColorParseError:
                raise ValueError(f"not a colour: {value!r}") from None
        return value

    @field_validator("variables")
    @classmethod
    def _status_colours(cls, value: dict[str, str]) -> dict[str, str]:
        for name in STATUS_VARIABLES:
            if name in value:
                try:
                    Color.parse(value[name])
                except ColorParseError:
                    raise ValueError(f"{name}: not a colour: {value[name]!r}") from None
        return value

    def to_theme(self) -> Theme:
        data = self.model_dump(exclude={"variables"})
        return Theme(**data, variables=dict(self.variables))


@dataclass
class ThemeLoad:
    """Themes that loaded, and files that did not with the reason."""

    themes: list[Theme] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _parse(text: str, label: str) -> Theme:
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError("a theme file must be a mapping")
    try:
        return ThemeFile.model_validate(raw).to_theme()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or label
        raise ValueError(f"{where}: {first['msg']}") from None


def _load_files(files: Iterable[Traversable | Path], into: ThemeLoad) -> None:
    for file in sorted(files, key=lambda f: f.name):
        if not file.name.endswith((".yaml", ".yml")):
            continue
        try:
            into.themes.append(_parse(file.read_text("utf-8"), file.name))
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
