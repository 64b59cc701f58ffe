"""What a matched value must look like to be a secret rather than a placeholder or a word."""

from __future__ import annotations

import math
import re
from collections import Counter

PLACEHOLDER_MARKS = ("${", "{{", "}}", "%(", "$(", "#{", "<%", "...", "…")
"""Template and elision marks: ``${API_KEY}``, ``{{ token }}``, ``%(password)s``, ``sk-...``."""
PLACEHOLDER_STARTS = ("$", "%", "{", "<", "[", "#/")
"""A value starting with one of these is a variable, a template or a reference (``$TOKEN``,
``<your key>``, ``#/components/schemas/ApiKey``)."""
COLOUR_OR_ANCHOR = re.compile(r"#(?:[0-9A-Fa-f]{3,8}|[A-Za-z_-]+)")
"""``#1e90ff``, ``#ansiyellow``, ``#section``."""
PLACEHOLDER_WORDS = (
    "your",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "dummy",
    "sample",
    "insert",
    "replace",
    "notreal",
    "not-a-real",
)
"""Lower-case words that mark a value as an illustration; matched case-sensitively, so the
upper-case ``EXAMPLE`` of a random-looking key is not enough to dismiss it."""
REPEATED_FILLER = re.compile(r"([xX*#._-])\1{4}|(.)\2{7}")
"""A mask or a filler: five ``x``, ``*``, ``#``, ``.``, ``_`` or ``-`` in a row, or eight of any
character (random keys have runs of five equal digits often enough to keep those)."""


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def is_placeholder(value: str) -> bool:
    """A template, a variable reference, an elision, a mask (``***``), a filler or an
    illustrative word."""
    if not value or value.startswith(PLACEHOLDER_STARTS) or len(set(value)) == 1:
        return True
    if COLOUR_OR_ANCHOR.fullmatch(value):
        return True
    if any(mark in value for mark in PLACEHOLDER_MARKS):
        return True
    if REPEATED_FILLER.search(value):
        return True
    return any(word in value for word in PLACEHOLDER_WORDS)


LOWERCASE_WORDS = re.compile(r"[a-z_.\-/]+")
"""Lower-case words and separators only: a name (``sk-fading-circle-spinner``), not a key,
whose random part has digits or capitals."""


def plausible_token(value: str) -> bool:
    """A value matched by a token format that is neither a placeholder (``sk-xxxxxxxx…``) nor
    a run of lower-case words that happens to start with a prefix."""
    return not is_placeholder(value) and not LOWERCASE_WORDS.fullmatch(value)


WORDS_ONLY = re.compile(r"[-_. /:+]*[A-Za-z]+(?:[-_. /:+]+[A-Za-z]+)*[-_. /:+]*")
"""Letters and word separators only: ``quoted-string``, ``SecretPolicy.ALLOW``, ``changeme``."""
NUMBER = re.compile(r"[0-9.,:_+-]+")
"""Numbers, versions and times: ``1024``, ``1.2.3``, ``12:30``."""
PATH = re.compile(r"(?:~|\.{1,2})?(?:/[\w.@-]+)+/?")
WORD_SEGMENT = re.compile(r"/\.?[A-Za-z]{2,}(?=[/._-]|$)")
"""A path has a segment that is a plain word (``/etc/…``); a key with slashes (base64) has none."""
FILE_NAME = re.compile(
    r"[\w.-]+\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|pub|asc|gpg|json|ya?ml|toml|ini|"
    r"cfg|conf|env|txt|py|js|ts|sh)",
    re.IGNORECASE,
)
WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")
STOP_VALUES = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "undefined",
        "required",
        "optional",
        "notasecret",
        "not_a_secret",
    }
)
MIN_SECRET_CHARS = 8
"""Shorter values assigned to a sensitive name are words or defaults, not keys."""


def _min_entropy(length: int) -> float:
    """Bits per character a value of ``length`` characters needs: at most log2(length) (every
    character different); a random password of 12 often repeats two or three characters and
    scores 2.8, while fillers (``abcabcabcabc``: 1.6) score far less."""
    return min(3.0, math.log2(length) - 1.0)


def _looks_random_letters(value: str) -> bool:
    """Letters (and separators) only, but key-like: 16 letters or more, about as many capitals
    as small letters (``dLQTvHWKhICFJdDff``; a CamelCase name has one capital per word)."""
    letters = [c for c in value if c.isalpha()]
    if len(letters) < 16:
        return False
    capitals = sum(c.isupper() for c in letters) / len(letters)
    return 0.3 <= capitals <= 0.7 and shannon_entropy(value) >= 3.5


def plausible_assigned_secret(value: str) -> bool:
    """A literal assigned to a sensitive name that looks like a secret: long enough, no spaces,
    not a placeholder, a word, a number, a path or a URL, and with secret-like entropy."""
    if len(value) < MIN_SECRET_CHARS or any(c.isspace() for c in value):
        return False
    if is_placeholder(value) or value.lower() in STOP_VALUES:
        return False
    if WORDS_ONLY.fullmatch(value):
        return _looks_random_letters(value)
    if NUMBER.fullmatch(value) or "://" in value:
        return False
    if WINDOWS_PATH.match(value) or FILE_NAME.fullmatch(value):
        return False
    if PATH.fullmatch(value) and WORD_SEGMENT.search(value):
        return False
    return shannon_entropy(value) >= _min_entropy(len(value))
