"""What a likely secret looks like: token formats, each with a cheap trigger.

A rule's full regex only runs when its trigger (a literal-prefixed regex, which the ``re`` engine
searches as fast as a substring) occurs in the text, which keeps the scan fast on large packages.
The ``value`` group is the span that masking replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TokenRule:
    """One secret format: a kind name, trigger substrings and the regex."""

    kind: str
    trigger: re.Pattern[str]
    pattern: re.Pattern[str]
    trigger_lowered: bool = False
    """True when ``trigger`` is searched in the lower-cased text (case-insensitive formats)."""


TOKEN_RULES: tuple[TokenRule, ...] = (
    TokenRule(
        "private-key",
        re.compile("PRIVATE KEY"),
        re.compile(
            r"(?P<value>-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,20000}?"
            r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z|(?=\n[ \t]*\n)))"
        ),
    ),
    TokenRule(
        "aws-access-key-id",
        re.compile("AKIA|ASIA|ABIA|ACCA"),
        re.compile(
            r"(?<![A-Za-z0-9])(?P<value>(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})(?![A-Za-z0-9])"
        ),
    ),
    TokenRule(
        "aws-secret-access-key",
        re.compile("secret"),
        re.compile(
            r"(?i)(?:aws_?secret_?access_?key|secretaccesskey)[\"']?\s*[:=]\s*[\"']?"
            r"(?P<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
        ),
        trigger_lowered=True,
    ),
    TokenRule(
        "anthropic-api-key",
        re.compile("sk-ant-"),
        re.compile(r"(?<![A-Za-z0-9_-])(?P<value>sk-ant-[A-Za-z0-9]+-[A-Za-z0-9_-]{20,})"),
    ),
    TokenRule(
        "openai-api-key",
        re.compile("sk-"),
        re.compile(
            r"(?<![A-Za-z0-9_-])(?P<value>sk-(?!ant-)(?:proj-|svcacct-|admin-)?"
            r"[A-Za-z0-9_-]{20,})"
        ),
    ),
    TokenRule(
        "github-token",
        re.compile("gh[pousr]_|github_pat_"),
        re.compile(
            r"(?<![A-Za-z0-9_])(?P<value>(?:gh[pousr]_[A-Za-z0-9]{36,}|"
            r"github_pat_[A-Za-z0-9_]{22,}))"
        ),
    ),
    TokenRule(
        "slack-token",
        re.compile("xox[abposr]-"),
        re.compile(r"(?<![A-Za-z0-9])(?P<value>xox[abposr]-[A-Za-z0-9-]{10,})"),
    ),
    TokenRule(
        "google-api-key",
        re.compile("AIza"),
        re.compile(r"(?<![A-Za-z0-9_-])(?P<value>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"),
    ),
)

SENSITIVE_WORDS = (
    "passw",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "authkey",
    "auth_key",
    "auth-key",
    "privatekey",
    "private_key",
    "private-key",
    "credential",
)
"""Searched (as substrings, the fastest way) in lower-cased text: names whose assigned value may
be a secret. ``ASSIGNED_VALUE`` then skips the rest of the name (``passw`` -> ``password``)."""
SENSITIVE_NAME = re.compile(
    r"passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|"
    r"private[_-]?key|credential|client[_-]?secret"
)
SENSITIVE_NAME_ANY_CASE = re.compile(SENSITIVE_NAME.pattern, re.IGNORECASE)
"""The same names as a regex, for the rare text whose lower-casing changes its length."""

ASSIGNED_VALUE = re.compile(
    r"[A-Za-z0-9_.-]*[\"']?\s*(?::=|=>|[:=])\s*"
    r"(?:(?P<quote>[\"'])(?P<quoted>[^\"'\s\\]{12,200})(?P=quote)"
    r"|(?P<bare>[A-Za-z0-9+/=_\-.~!@#$%^&*]{16,200})(?=\s|$|[,;]))"
)
"""Applied right after a sensitive name: ``= "value"``, ``: value`` and similar."""

ENV_FILE_NAME = re.compile(r"(?:^|/)(?:\.env(?:\.[^/]*)?|[^/]*\.env)$")
ENV_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist")
ENV_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*"
    r"(?P<value>\"[^\"\n]+\"|'[^'\n]+'|[^\s#\"'][^\n#]*?)[ \t]*(?:#.*)?$",
    re.MULTILINE,
)

MIN_ENTROPY_BITS = 3.3
"""Shannon entropy per character a value assigned to a sensitive name needs to be flagged."""
