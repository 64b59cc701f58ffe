"""Environment files (``.env``, ``.env.local``, ``prod.env``): every value is taken as a secret."""

from __future__ import annotations

import re
from collections.abc import Iterator

ENV_FILE_KIND = "env-file-value"
ENV_FILE_NAME = re.compile(r"(?:^|/)(?:\.env(?:\.[^/]*)?|[^/]*\.env)$")
ENV_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist")
ENV_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*"
    r"(?P<value>\"[^\"\n]+\"|'[^'\n]+'|[^\s#\"'][^\n#]*?)[ \t]*(?:#.*)?$",
    re.MULTILINE,
)


def is_env_file(path: str) -> bool:
    """``.env``, ``.env.local``, ``prod.env`` and the like (but not ``.env.example``)."""
    return bool(ENV_FILE_NAME.search(path)) and not path.endswith(ENV_EXAMPLE_SUFFIXES)


def env_file_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every assigned value, without its quotes."""
    for match in ENV_ASSIGNMENT.finditer(text):
        start, end = match.span("value")
        if text[start] in "\"'" and end - start >= 2:
            start, end = start + 1, end - 1
        if end > start:
            yield start, end, ENV_FILE_KIND
