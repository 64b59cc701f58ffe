"""Prompt templates: ``templates/NAME.md`` in the user config dir, with ``{{placeholders}}``.

A template is a UTF-8 file of at most 1 MB. Its placeholders are filled when it is used (chosen
in Compose with ctrl+t, or ``--template NAME`` on ``dry-run``, ``send`` and ``crosstalk``):

- ``{{files}}``: the files of the package, comma-separated; ``{{file_list}}``: one per line,
  each as ``- path``; ``{{file_count}}``: how many;
- ``{{models}}``: the models chosen, comma-separated; ``{{model_count}}``: how many;
- ``{{date}}``: today, ``YYYY-MM-DD``; ``{{datetime}}``: now, ``YYYY-MM-DD HH:MM`` (local time).

Anything else between ``{{`` and ``}}`` is an unknown placeholder: the template is refused,
naming each with its line. Single braces are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.locations import user_config_dir

TEMPLATES_FOLDER = "templates"
TEMPLATE_SUFFIX = ".md"
MAX_TEMPLATE_BYTES = 1_000_000
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
PLACEHOLDERS: dict[str, str] = {
    "files": "the package's files, comma-separated",
    "file_list": "the package's files, one per line as '- path'",
    "file_count": "how many files the package holds",
    "models": "the models chosen, comma-separated",
    "model_count": "how many models are chosen",
    "date": "today, YYYY-MM-DD",
    "datetime": "now, YYYY-MM-DD HH:MM (local time)",
}


class TemplateError(UsageError):
    """An unknown template, one that cannot be read, or one with unknown placeholders."""

    title = "Template error"


def templates_dir() -> Path:
    """``~/.config/fiedler/templates`` on Linux."""
    return user_config_dir() / TEMPLATES_FOLDER


@dataclass(frozen=True)
class TemplateValues:
    """What the placeholders are filled with."""

    files: Sequence[str] = ()
    models: Sequence[str] = ()
    now: datetime = field(default_factory=datetime.now)

    def value(self, name: str) -> str:
        values = {
            "files": ", ".join(self.files),
            "file_list": "\n".join(f"- {f}" for f in self.files),
            "file_count": str(len(self.files)),
            "models": ", ".join(self.models),
            "model_count": str(len(self.models)),
            "date": self.now.strftime("%Y-%m-%d"),
            "datetime": self.now.strftime("%Y-%m-%d %H:%M"),
        }
        return values[name]


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    text: str

    @property
    def placeholders(self) -> list[str]:
        """The placeholders used, once each, in order."""
        return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(self.text)))

    @property
    def summary(self) -> str:
        """The first line that is not empty (a title or what the template asks)."""
        return next((ln.strip() for ln in self.text.splitlines() if ln.strip()), "")

    def problems(self) -> list[str]:
        """``templates/NAME.md:LINE: unknown placeholder {{x}}`` for each unknown one."""
        found: list[str] = []
        for number, line in enumerate(self.text.splitlines(), 1):
            for match in PLACEHOLDER.finditer(line):
                if match.group(1) not in PLACEHOLDERS:
                    found.append(
                        f"{TEMPLATES_FOLDER}/{self.path.name}:{number}: unknown placeholder "
                        f"{match.group(0)} (known: {', '.join(PLACEHOLDERS)})"
                    )
        return found

    def render(self, values: TemplateValues) -> str:
        """The text with every placeholder filled; TemplateError naming each unknown one."""
        problems = self.problems()
        if problems:
            raise TemplateError("\n".join(problems))
        return PLACEHOLDER.sub(lambda m: values.value(m.group(1)), self.text)


def template_names(folder: Path | None = None) -> list[str]:
    """The names of the templates there are (``NAME`` of each ``NAME.md``), sorted."""
    where = folder or templates_dir()
    try:
        entries = sorted(where.iterdir())
    except OSError:
        return []
    return [
        p.name.removesuffix(TEMPLATE_SUFFIX)
        for p in entries
        if p.name.endswith(TEMPLATE_SUFFIX)
        and NAME_PATTERN.match(p.name.removesuffix(TEMPLATE_SUFFIX))
        and p.is_file()
    ]


def load_template(name: str, folder: Path | None = None) -> Template:
    """The template ``name``; TemplateError when there is none or it cannot be read."""
    where = folder or templates_dir()
    bare = name.strip().removesuffix(TEMPLATE_SUFFIX)
    if not NAME_PATTERN.match(bare) or bare not in template_names(where):
        known = ", ".join(template_names(where)) or "none yet"
        file_name = f"{bare if NAME_PATTERN.match(bare) else 'NAME'}{TEMPLATE_SUFFIX}"
        raise TemplateError(
            f"unknown template {name!r} (templates: {known}; add one as {where / file_name})"
        )
    path = where / f"{bare}{TEMPLATE_SUFFIX}"
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise TemplateError(f"template {bare}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"template {bare}: larger than 1 MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"template {bare}: not UTF-8 text") from None
    return Template(bare, path, text)


def check_template_name(name: str) -> str:
    """``name`` as a template's name (without ``.md``); TemplateError when it cannot be one."""
    bare = name.strip().removesuffix(TEMPLATE_SUFFIX)
    if not NAME_PATTERN.match(bare):
        raise TemplateError(
            f"template name {name!r}: expected 1 to 80 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return bare


def save_template(name: str, text: str, folder: Path | None = None) -> Path:
    """Write ``text`` as the new template ``name`` (owner-only; the folder made 0700); an
    existing template is never replaced, and one with an unknown placeholder is refused."""
    from fiedler_tui.core.store.private_files import make_private_dir, open_private

    bare = check_template_name(name)
    where = folder or templates_dir()
    path = where / f"{bare}{TEMPLATE_SUFFIX}"
    problems = Template(bare, path, text).problems()
    if problems:
        raise TemplateError("\n".join(problems))
    if not text.strip():
        raise TemplateError("the prompt is empty: nothing to save as a template")
    make_private_dir(where)
    try:
        handle = open_private(path)  # O_EXCL: an existing template stays as it is
    except FileExistsError:
        raise TemplateError(f"template {bare} exists already: choose another name") from None
    with open(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return path
