"""Every ``FIEDLER_*`` environment variable, parsed in one typed place.

``VARIABLES`` is the single table of names, defaults and meanings; the README's table is checked
against it by a test. A bad value names the variable and what it expected.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fiedler_tui.core.errors import SettingsError
from fiedler_tui.core.locations import user_data_dir, user_state_dir

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _positive_int(raw: str) -> int:
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ValueError("expected a positive whole number") from None
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _positive_float(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError("expected a positive number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError("expected a positive number")
    return value


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("expected a path")
    return Path(raw.strip()).expanduser()


def _paths(raw: str) -> tuple[Path, ...]:
    parts = [p.strip() for p in raw.split(os.pathsep) if p.strip()]
    if not parts:
        raise ValueError(f"expected one or more paths separated by {os.pathsep!r}")
    return tuple(Path(p).expanduser() for p in parts)


def _log_level(raw: str) -> str:
    value = raw.strip().upper()
    if value not in LOG_LEVELS:
        raise ValueError("expected one of " + ", ".join(LOG_LEVELS))
    return value


def value_kind(parse: Callable[[str], Any]) -> str:
    """What a variable's parser takes: ``bool``, ``int``, ``number``, ``path``, ``paths`` or
    ``text`` (settings.toml checks its values' types by it)."""
    kinds: dict[Callable[[str], Any], str] = {
        _bool: "bool",
        _positive_int: "int",
        _positive_float: "number",
        _path: "path",
        _paths: "paths",
    }
    return kinds.get(parse, "text")


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, the Settings field it sets, and how to read it."""

    name: str
    attr: str
    parse: Callable[[str], Any]
    default_text: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "FIEDLER_CONFIG",
        "config_path",
        _path,
        "(lookup order)",
        "models.yaml to use instead of the user config dir or the packaged default",
    ),
    Variable(
        "FIEDLER_ALLOWED_FILE_ROOTS",
        "allowed_roots",
        _paths,
        "the current directory",
        f"folders files may be read from, separated by `{os.pathsep}`",
    ),
    Variable(
        "FIEDLER_MAX_PACKAGE_BYTES",
        "max_package_bytes",
        _positive_int,
        "20000000",
        "largest package (all files together) in bytes",
    ),
    Variable(
        "FIEDLER_MAX_FILE_BYTES",
        "max_file_bytes",
        _positive_int,
        "2000000",
        "largest single file in bytes; larger files are skipped with a reason",
    ),
    Variable(
        "FIEDLER_MAX_FILE_COUNT",
        "max_file_count",
        _positive_int,
        "100",
        "most files in one package",
    ),
    Variable(
        "FIEDLER_MAX_LINES", "max_lines", _positive_int, "100000", "most lines in one package"
    ),
    Variable(
        "FIEDLER_MAX_COST_USD",
        "max_cost_usd",
        _positive_float,
        "(no cap)",
        "refuse a send whose worst-case cost is above this many US dollars",
    ),
    Variable(
        "FIEDLER_MAX_CONCURRENCY",
        "max_concurrency",
        _positive_int,
        "16",
        "most model requests in flight at once, across all providers",
    ),
    Variable(
        "FIEDLER_OUTPUT_DIR",
        "output_dir",
        _path,
        "`runs` in the user data dir",
        "where runs are saved",
    ),
    Variable(
        "FIEDLER_SAVE_PROMPT",
        "save_prompt",
        _bool,
        "0",
        "1 stores the prompt text in a run's summary (otherwise only its sha256 and length)",
    ),
    Variable(
        "FIEDLER_REDACT_FILENAMES",
        "redact_filenames",
        _bool,
        "0",
        "1 stores file paths in summaries as sha256 hashes",
    ),
    Variable(
        "FIEDLER_NO_DISK",
        "no_disk",
        _bool,
        "0",
        "1 writes nothing to disk (no runs, no log file); results live in memory and on screen",
    ),
    Variable(
        "FIEDLER_RETENTION_DAYS",
        "retention_days",
        _positive_int,
        "(keep all)",
        "runs older than this many days are deleted at start",
    ),
    Variable(
        "FIEDLER_REQUIRE_SECURE_KEYRING",
        "require_secure_keyring",
        _bool,
        "0",
        "1 refuses keys from environment variables and from insecure keyring backends",
    ),
    Variable(
        "FIEDLER_TRUST_ENV",
        "trust_env",
        _bool,
        "1",
        "0 ignores `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, `SSL_CERT_FILE` and "
        "`SSL_CERT_DIR` (only models.yaml's `proxy:` and `ca_bundle:` apply)",
    ),
    Variable(
        "FIEDLER_TIKTOKEN_DIR",
        "tiktoken_dir",
        _path,
        "(none)",
        "extra folder holding `<encoding>.tiktoken` files, checked against tiktoken's sha256",
    ),
    Variable(
        "FIEDLER_LOG_LEVEL",
        "log_level",
        _log_level,
        "INFO",
        "DEBUG, INFO, WARNING, ERROR or CRITICAL",
    ),
    Variable("FIEDLER_LOG_JSON", "log_json", _bool, "0", "1 writes one JSON object per log line"),
    Variable(
        "FIEDLER_MCP_TOKEN",
        "mcp_token",
        str.strip,
        "(generated at start)",
        "the bearer token `fiedler mcp --http` requires; without it one is generated and printed "
        "on stderr (a bind to a non-loopback address needs it set)",
    ),
    Variable(
        "FIEDLER_SERVE_TOKEN",
        "serve_token",
        str.strip,
        "(generated at start)",
        "the token in the address `fiedler serve` prints; without it one is generated (a bind "
        "to a non-loopback address needs it set)",
    ),
    Variable(
        "FIEDLER_MCP_ALLOW_SECRETS",
        "mcp_allow_secrets",
        _bool,
        "0",
        "1 lets an MCP tool call send files with likely secrets as they are (`secrets: allow`)",
    ),
    Variable(
        "FIEDLER_MCP_KEY_TOOLS",
        "mcp_key_tools",
        _bool,
        "0",
        "1 adds the MCP tools `fiedler_set_key` and `fiedler_delete_key` (a key set through them "
        "passes through the assistant's context)",
    ),
    Variable(
        "FIEDLER_LOG_FILE",
        "log_file",
        _path,
        "`fiedler.log` in the user state dir",
        "where the log is written",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The environment's settings with their defaults applied."""

    config_path: Path | None = None
    allowed_roots: tuple[Path, ...] = field(default_factory=lambda: (Path.cwd(),))
    max_package_bytes: int = 20_000_000
    max_file_bytes: int = 2_000_000
    max_file_count: int = 100
    max_lines: int = 100_000
    max_cost_usd: float | None = None
    max_concurrency: int = 16
    output_dir: Path = field(default_factory=lambda: user_data_dir() / "runs")
    save_prompt: bool = False
    redact_filenames: bool = False
    no_disk: bool = False
    retention_days: int | None = None
    require_secure_keyring: bool = False
    trust_env: bool = True
    """Proxies and CA certificates from the environment apply (``FIEDLER_TRUST_ENV``)."""
    tiktoken_dir: Path | None = None
    log_level: str = "INFO"
    log_json: bool = False
    log_file: Path = field(default_factory=lambda: user_state_dir() / "fiedler.log")
    mcp_token: str | None = field(default=None, repr=False)
    """The bearer token of ``fiedler mcp --http`` (``FIEDLER_MCP_TOKEN``); never shown."""
    serve_token: str | None = field(default=None, repr=False)
    """The token of ``fiedler serve``'s address (``FIEDLER_SERVE_TOKEN``); never shown."""
    mcp_allow_secrets: bool = False
    mcp_key_tools: bool = False
    """``FIEDLER_MCP_KEY_TOOLS=1``: ``fiedler mcp`` offers the tools that set and delete keys."""
    unknown_variables: tuple[str, ...] = ()
    """``FIEDLER_*`` names in the environment that fiedler does not know (likely typos)."""
    keymap: tuple[tuple[str, str], ...] = ()
    """settings.toml's ``[keymap]``: (binding id, keys) pairs the app applies."""
    file_problems: tuple[str, ...] = ()
    """settings.toml's problems, each ``settings.toml:LINE: entry: message``: its unknown
    entries, and its errors when :meth:`load` was told to tolerate them (``fiedler doctor``)."""

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, *, tolerate_file_errors: bool = False
    ) -> Settings:
        """The environment's settings over settings.toml's (the environment wins); the file's
        errors raise SettingsError unless ``tolerate_file_errors``."""
        from fiedler_tui.core.settings_file import read_settings_file

        file = read_settings_file()
        if file.errors and not tolerate_file_errors:
            raise SettingsError(file.errors)
        env = os.environ if env is None else env
        merged = dict(file.values)
        for name, raw in env.items():
            if name in merged and raw.strip() == "":
                continue  # an empty variable leaves the file's value (as it leaves a default)
            merged[name] = raw
        settings = cls.from_env(merged)
        return settings.replace(
            keymap=tuple(file.keymap.items()), file_problems=(*file.errors, *file.warnings)
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every ``FIEDLER_*`` variable; raise SettingsError listing each bad one."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        problems: list[str] = []
        for var in VARIABLES:
            raw = env.get(var.name)
            if raw is None or (raw.strip() == "" and var.parse is not _bool):
                continue
            try:
                values[var.attr] = var.parse(raw)
            except ValueError as exc:
                problems.append(f"{var.name}={raw!r}: {exc}")
        unknown = sorted(
            k for k in env if k.startswith("FIEDLER_") and k not in {v.name for v in VARIABLES}
        )
        if problems:
            raise SettingsError(problems)
        if "output_dir" not in values:  # the folder saved with fiedler_set_output, if any
            from fiedler_tui.core.user_defaults import SavedDefaults

            saved = SavedDefaults.load().output_dir
            if saved:
                values["output_dir"] = Path(saved)
        return cls(**values, unknown_variables=tuple(unknown))

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (command-line flags win over the environment)."""
        return dataclasses.replace(self, **changes)
