"""Credentials with a structure rather than a prefix: private key blocks, passwords in URLs,
webhook URLs, connection strings, authorization headers, JWTs and bot tokens."""

from __future__ import annotations

import base64
import binascii
import re
import string

from fiedler_tui.core.secrets.shape import (
    is_placeholder,
    plausible_assigned_secret,
    plausible_token,
)
from fiedler_tui.core.secrets.token_rule import TOKEN_END, TOKEN_START, TokenRule, rule

KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{16}")
PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def has_key_body(block: str) -> bool:
    """A key block with encoded key material in it, not an elided ``-----BEGIN … …`` sample."""
    return "..." not in block and "…" not in block and KEY_BODY.search(block) is not None


MIN_URL_PASSWORD_CHARS = 3
"""``scheme://u:p@h`` is an illustration of the syntax, not a password."""


def plausible_url_password(value: str) -> bool:
    """A password in a URL, unless it is a template, a mask or a single letter (``{password}``,
    ``${DB_PASS}``, ``*****``); percent-escapes (``%40``) are part of a real password."""
    unescaped = PERCENT_ESCAPE.sub("x", value)
    return len(unescaped) >= MIN_URL_PASSWORD_CHARS and not is_placeholder(unescaped)


def plausible_encoded_token(value: str) -> bool:
    """A URL-encoded token (``%2B`` for ``+``) that is not a placeholder."""
    return plausible_token(PERCENT_ESCAPE.sub("A", value))


def is_basic_credentials(value: str) -> bool:
    """Base64 of ``user:password``, as an ``Authorization: Basic`` header carries it."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and password) and not is_placeholder(password) and user.isprintable()


PEM_BEGIN = r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
PEM_END = r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
PRIVATE_KEYS: tuple[TokenRule, ...] = (
    rule(
        "private-key",
        "-----BEGIN ",
        PEM_BEGIN + r"(?:(?!-----)[\s\S]){0,20000}" + PEM_END,
        check=has_key_body,
    ),
    rule(
        "private-key",
        "-----BEGIN ",
        PEM_BEGIN + r"(?:(?!-----|\n[ \t]*\n)[\s\S]){0,20000}",
        check=has_key_body,
    ),
    rule(
        "private-key",
        "PuTTY-User-Key-File-",
        r"PuTTY-User-Key-File-\d: [\s\S]{0,20000}?Private-MAC: [0-9a-f]+",
        check=has_key_body,
    ),
)
"""A whole block up to its END line; else (a truncated block) up to a blank line, the next
``-----`` or 20,000 characters."""

URL_CREDENTIALS: tuple[TokenRule, ...] = (
    rule(
        "slack-webhook",
        "hooks.slack.com/",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"(?P<value>[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]{16,})",
    ),
    rule(
        "discord-webhook",
        ("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
        r"discord(?:app)?\.com/api/webhooks/(?P<value>[0-9]+/[A-Za-z0-9_-]{60,})",
    ),
    rule(
        "url-password",
        "://",
        r"://[^\s:/?#@\"'`<>\\]{0,256}:(?P<value>[^\s/?#@\"'`<>\\]{1,256})@(?=[A-Za-z0-9\[])",
        check=plausible_url_password,
    ),
)
"""The URL rule reports the password only (``postgres://user:[MASKED]@host``); a token used as
the password (``https://oauth2:glpat-…@gitlab.com``) is reported by its own format."""

CONNECTION_STRINGS: tuple[TokenRule, ...] = (
    rule("azure-storage-key", "AccountKey=", r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)"),
    rule(
        "azure-shared-access-key",
        "SharedAccessKey=",
        r"SharedAccessKey=(?P<value>[A-Za-z0-9+/]{42,43}=)",
    ),
    rule(
        "azure-sas-token",
        "sig=",
        r"(?<=[?&;])sig=(?P<value>[A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})",
        check=plausible_encoded_token,
    ),
    rule(
        "azure-client-secret",
        "Q~",
        r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
        lead=4,
        lead_chars=string.ascii_letters + string.digits + "_~.",
    ),
)

HEADERS_AND_BOT_TOKENS: tuple[TokenRule, ...] = (
    rule(
        "jwt",
        "eyJ",
        TOKEN_START + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}" + TOKEN_END,
    ),
    rule(
        "basic-auth",
        "authorization",
        r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?(?i:basic)[ \t]+"
        r"(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
        check=is_basic_credentials,
        lowered=True,
    ),
    rule(
        "bearer-token",
        "authorization",
        r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?(?i:bearer|token)[ \t]+"
        r"(?P<value>[A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])",
        check=plausible_assigned_secret,
        lowered=True,
    ),
    rule(
        "telegram-bot-token",
        ":AA",
        r"(?<![0-9])[0-9]{5,16}:AA[A-Za-z0-9_-]{33}" + TOKEN_END,
        lead=16,
        lead_chars=string.digits,
    ),
)


def is_discord_bot_token(value: str) -> bool:
    """The first part of a Discord bot token is the bot's numeric id in base64."""
    head = value.partition(".")[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.isdigit() and plausible_token(value)


DISCORD_BOT_TOKEN = rule(
    "discord-bot-token",
    "discord",
    TOKEN_START + r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}" + TOKEN_END,
    check=is_discord_bot_token,
    lowered=True,
)
"""No prefix: searched in the whole text of a file that mentions Discord."""

CREDENTIAL_FORMATS: tuple[TokenRule, ...] = (
    *PRIVATE_KEYS,
    *URL_CREDENTIALS,
    *CONNECTION_STRINGS,
    *HEADERS_AND_BOT_TOKENS,
)
