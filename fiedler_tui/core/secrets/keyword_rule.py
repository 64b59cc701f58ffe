"""The generic rule: a literal of secret-like shape assigned to a name that holds secrets.

``password = "Zx9!kq…"``, ``api_key: 3f9c…`` (YAML), ``"client_secret": "…"`` (JSON).
Not code that merely mentions them: the name must end with a sensitive word
(``token_type`` does not), the value must be a literal (a quoted string; bare values only in
configuration files, never in source code, where ``token = settings.api_token`` is an
expression), and the literal must look like a secret (see ``shape.plausible_assigned_secret``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from fiedler_tui.core.secrets.shape import is_placeholder, plausible_assigned_secret

HIGH_ENTROPY_KIND = "high-entropy-assignment"
YAML_ALIAS = re.compile(r"\*[A-Za-z_][\w.-]*")
YAML_SUFFIXES = (".yaml", ".yml")
AWS_SECRET_KIND = "aws-secret-access-key"

KEYWORD_NEEDLES = ("pass", "pwd", "secret", "token", "key", "credential")
"""Searched in the lower-cased text; each occurrence is then widened to the whole name."""
KEYWORD_FOLLOW = r"[a-z0-9_.\-]{0,64}+[\"'`]?\]?[ \t]*[:=>?|]"
"""What must follow a keyword needle for it to be reported at all: the rest of the name and the
start of an assignment operator (most mentions of ``key`` and ``token`` in code are not
followed by one, and are dropped inside the regex engine)."""

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")
NAME_TAIL = re.compile(r"[a-z0-9_.\-]{0,64}")
NAME_HEAD_REVERSED = re.compile(r"[a-z0-9_.\-]*")
NAME_WINDOW = 80
"""How far before a needle a name may start (longer names are cut there, which is harmless:
only their end decides)."""

SENSITIVE_NAME = re.compile(
    r"(?:passw(?:or)?ds?|passphrase|(?:^|[_.\-])(?:pass|pwd)|secrets?|tokens?|credentials?|"
    r"(?:api|access|secret|private|auth|signing|sign|encryption|master|client|account|app|"
    r"service|license|shared|storage|consumer|session|admin|deploy|webhook|hmac|jwt|ssh|"
    r"subscription|primary|secondary|bot)[_.\-]?keys?)"
    r"(?:[_.\-]?value)?\Z"
)
"""How a sensitive name ends (lower-cased): ``db_password``, ``clientSecret``, ``GITHUB_TOKEN``,
``x-api-key``, ``private_key``; but not ``token_type``, ``secret_policy``, ``password_hash``,
``key_id``, ``tokenizer``, ``monkey``."""
NOT_SECRET_NAME = re.compile(
    r"public|(?:next|page|continuation|pagination|request|change|idempotency|sync|cursor|resume|"
    r"cancellation|update)[_.\-]?tokens?\Z"
)
"""Names that end like a secret's but hold none: public keys (``publicKeyToken``) and the
bookkeeping tokens of APIs (``nextToken``, ``ClientRequestToken``, ``ChangeToken``)."""
AWS_SECRET_NAME = re.compile(
    r"(?:aws[_.\-]?)?secret[_.\-]?access[_.\-]?key\Z|aws[_.\-]?secret[_.\-]?key\Z"
)
AWS_SECRET_VALUE = re.compile(r"[A-Za-z0-9/+=]{40}")

ASSIGNMENT = re.compile(
    r"[\"'`]?\]?[ \t]*"
    r"(?::[ \t]*[A-Za-z_][\w.\[\], |]{0,80}?[ \t]+(?==(?!=)))?"
    r"(?P<op>:=|=>|\?\?=|\|\|=|\?=|=(?!=)|:(?![:/\\=])|>)[ \t]*"
    r"(?:[rRbBuU]{0,2}(?P<quote>[\"'`])(?P<quoted>[^\"'`\s\\]{1,1000})(?P=quote)"
    r"|(?P<bare>[^\s\"'`,;#<>(){}\[\]]{1,1000}))"
)
"""After a name: an optional closing quote or bracket, an optional type annotation (``: str =``,
with a space before the ``=``, so YAML's ``password: ab=cd`` stays one value), an
assignment operator (``=``, ``:``, ``:=``, ``=>``, ``?=``, ``||=``, ``>`` of an XML element),
then a quoted string (optionally ``b``/``r``/``u``-prefixed) or a bare value."""

SOURCE_CODE_SUFFIXES = frozenset(
    (
        *(".py", ".pyi", ".pyx", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".rs"),
        *(".java", ".kt", ".kts", ".scala", ".groovy", ".gradle", ".c", ".h", ".cc", ".cpp"),
        *(".cxx", ".hpp", ".hh", ".cs", ".fs", ".swift", ".m", ".mm", ".rb", ".php", ".pl"),
        *(".pm", ".lua", ".r", ".jl", ".dart", ".ex", ".exs", ".erl", ".hs", ".ml", ".clj"),
        *(".vue", ".svelte", ".zig", ".nim", ".sol", ".tf", ".hcl"),
    )
)
"""Files whose bare right-hand sides are expressions, not literals."""


def bare_values_are_literals(path: str) -> bool:
    """In configuration files (YAML, INI, .properties, shell, …) an unquoted value is a literal."""
    suffix = posixpath.splitext(path.lower())[1]
    return suffix not in SOURCE_CODE_SUFFIXES


def _name_start(lowered: str, needle_start: int) -> int:
    """Where the name holding a needle starts (at most ``NAME_WINDOW`` characters before it)."""
    if needle_start == 0 or lowered[needle_start - 1] not in NAME_CHARS:
        return needle_start
    window = lowered[max(0, needle_start - NAME_WINDOW) : needle_start][::-1]
    head = NAME_HEAD_REVERSED.match(window)
    return needle_start - (head.end() if head else 0)


def keyword_spans(
    text: str, lowered: str, hits: Iterator[tuple[int, str]], path: str
) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of each secret-like literal assigned to a sensitive name.

    ``hits`` are the keyword needles' positions in ``lowered`` (offsets equal ``text``'s). The
    cheap checks come first: most names (``key``, ``token_type``) end the work at the name.
    """
    bare_ok = bare_values_are_literals(path)
    done_until = -1
    for start, needle in hits:
        if start < done_until:
            continue  # a second needle of a name already judged (``secret_token``)
        tail = NAME_TAIL.match(lowered, start + len(needle))
        name_end = tail.end() if tail else start + len(needle)
        done_until = name_end
        name_start = _name_start(lowered, start)
        name = lowered[name_start:name_end]
        aws = AWS_SECRET_NAME.search(name) is not None
        if not aws and (not SENSITIVE_NAME.search(name) or NOT_SECRET_NAME.search(name)):
            continue
        assigned = ASSIGNMENT.match(text, name_end)
        if assigned is None:
            continue
        before = lowered[name_start - 1 : name_start]
        if assigned.group("op") == ">" and before != "<":
            continue  # ">" ends an XML element's name (``<password>…``), nothing else
        if before == ":" and assigned.group("op") == ":":
            continue  # a segment of ``arn:…:secret:name`` or ``AWS::IAM::AccessKey``
        quoted = assigned.group("quoted") is not None
        group = "quoted" if quoted else "bare"
        value = assigned.group(group)
        value_start, value_end = assigned.span(group)
        if aws and AWS_SECRET_VALUE.fullmatch(value):
            if not is_placeholder(value):
                yield value_start, value_end, AWS_SECRET_KIND
            continue
        if not (quoted or bare_ok):
            continue
        if not quoted and YAML_ALIAS.fullmatch(value) and path.endswith(YAML_SUFFIXES):
            continue  # ``*default_password``: a reference to a value defined elsewhere
        if plausible_assigned_secret(value):
            yield value_start, value_end, HIGH_ENTROPY_KIND
