"""History's filter: a line of terms such as ``model:gpt-5 status:failed file:app.py
since:2026-12-01``, matched against what each run's summary says (all terms must match).

Terms (values ignore case; a value is found inside the field, so ``model:gpt`` matches gpt-5):
``model:`` a model (or member) alias; ``status:`` the run's status or one of its models'
(``status:unsaved`` for runs whose outputs were not all saved); ``file:`` a packaged file's path;
``kind:`` ``send`` or ``crosstalk``; ``since:`` and ``until:`` a start date (``YYYY-MM-DD``,
inclusive); ``date:`` a start date's beginning (``2026-12`` is December); any other word is looked
for in the run id, models, status, file paths and saved prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.store.run_store import RunInfo

KEYS = ("model", "status", "file", "kind", "since", "until", "date")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class RunFacts:
    """What the filter looks at in one run, lowercased once (built off the event loop)."""

    run_id: str
    day: str
    """``YYYY-MM-DD`` the run started, or empty."""
    kind: str
    statuses: tuple[str, ...]
    models: tuple[str, ...]
    files: tuple[str, ...]
    prompt: str
    unsaved: bool

    @classmethod
    def of(cls, info: RunInfo) -> RunFacts:
        run = info.run
        text = run.prompt.text
        return cls(
            run_id=info.run_id.lower(),
            day=(run.started_at or "")[:10],
            kind="crosstalk" if run.is_deliberation else "send",
            statuses=(info.status.lower(), *(m.status.lower() for m in run.models)),
            models=tuple(m.alias.lower() for m in run.models),
            files=tuple(f.path.lower() for f in run.package.file_list if f.path is not None),
            prompt=text.lower() if text is not None else "",
            unsaved=run.outputs_saved is False,
        )


@dataclass(frozen=True)
class RunFilter:
    """The parsed filter: (key, value) terms, every one to match; ``problems`` names bad terms
    (those are left out)."""

    terms: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.terms)

    def matches(self, facts: RunFacts) -> bool:
        return all(_term_matches(key, value, facts) for key, value in self.terms)


def parse_filter(text: str) -> RunFilter:
    """``text`` as a filter; a term with an unknown key or a bad date is named in ``problems``."""
    terms: list[tuple[str, str]] = []
    problems: list[str] = []
    for word in text.split():
        key, colon, value = word.partition(":")
        if not colon:
            terms.append(("", word.lower()))
            continue
        key, value = key.lower(), value.lower()
        if key not in KEYS:
            problems.append(f"unknown filter {key}: (use {', '.join(k + ':' for k in KEYS)})")
        elif not value:
            problems.append(f"{key}: needs a value")
        elif key in ("since", "until") and not _DAY.fullmatch(value):
            problems.append(f"{key}: takes a date as YYYY-MM-DD, not {value!r}")
        elif key == "date" and not _DAY_PREFIX.fullmatch(value):
            problems.append(f"date: takes YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        else:
            terms.append((key, value))
    return RunFilter(tuple(terms), tuple(problems))


def _term_matches(key: str, value: str, f: RunFacts) -> bool:
    match key:
        case "model":
            return any(value in m for m in f.models)
        case "status":
            return (value in ("unsaved", "not saved") and f.unsaved) or any(
                value in s for s in f.statuses
            )
        case "file":
            return any(value in p for p in f.files)
        case "kind":
            return f.kind.startswith(value)
        case "since":
            return bool(f.day) and f.day >= value
        case "until":
            return bool(f.day) and f.day <= value
        case "date":
            return f.day.startswith(value)
    fields: tuple[Any, ...] = (f.run_id, *f.models, *f.statuses, *f.files, f.prompt, f.kind)
    return any(value in str(field) for field in fields)
