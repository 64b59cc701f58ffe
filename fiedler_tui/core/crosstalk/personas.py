"""A member's persona: a built-in reviewer role or a UTF-8 file inside the allowed roots."""

from __future__ import annotations

import os

from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.prompts import BUILTIN_ROLES, PERSONA_SUFFIX
from fiedler_tui.core.files.reading import ReadRefusal, read_text_file
from fiedler_tui.core.files.roots import AllowedRoots

MIN_PERSONA_CHARS = 3
MAX_PERSONA_CHARS = 50_000
_MAX_PERSONA_BYTES = MAX_PERSONA_CHARS * 4


def persona_system(value: str, roots: AllowedRoots) -> str:
    """The system prompt for ``value``: a role name from ``BUILTIN_ROLES`` or a file path.

    A file must resolve inside ``roots``, be UTF-8 and hold 3 to 50,000 characters once
    surrounding whitespace is stripped; anything else raises :class:`CrosstalkInputError`.
    """
    role = BUILTIN_ROLES.get(value.strip().lower())
    if role is not None:
        return role + PERSONA_SUFFIX
    real = os.path.realpath(os.path.abspath(os.path.expanduser(value)))
    if not os.path.exists(real):
        roles = ", ".join(sorted(BUILTIN_ROLES))
        raise CrosstalkInputError(
            f"persona {value!r} is neither a built-in role ({roles}) nor an existing file"
        )
    if roots.locate(real) is None:
        raise CrosstalkInputError(
            f"persona file {real} lies outside the allowed roots ({roots.describe()}); "
            "set FIEDLER_ALLOWED_FILE_ROOTS"
        )
    if not os.path.isfile(real):
        raise CrosstalkInputError(f"persona {real} is not a regular file")
    read = read_text_file(real, _MAX_PERSONA_BYTES)
    if isinstance(read, ReadRefusal):
        raise CrosstalkInputError(f"persona file {real} cannot be used: {read.reason}")
    text = read.text.strip()
    if not MIN_PERSONA_CHARS <= len(text) <= MAX_PERSONA_CHARS:
        raise CrosstalkInputError(
            f"persona file {real} holds {len(text):,} characters; a persona needs "
            f"{MIN_PERSONA_CHARS} to {MAX_PERSONA_CHARS:,}"
        )
    return text + PERSONA_SUFFIX
