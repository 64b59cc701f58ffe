"""Find, read and validate models.yaml, reporting every problem as ``file:line: field: message``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fiedler_tui.core.config.egress_fields import egress_field_problems, with_rule_lines
from fiedler_tui.core.config.network_fields import (
    network_field_problems,
    with_resolved_ca_bundles,
)
from fiedler_tui.core.config.price_checks import price_tier_problems
from fiedler_tui.core.config.reasoning import model_problems
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.config.yaml_lines import Path_, YamlSyntaxError, load_located
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.locations import user_config_dir
from fiedler_tui.core.user_defaults import apply_saved_models

CONFIG_FILE_NAME = "models.yaml"
PACKAGED_LABEL = "packaged default"


@dataclass(frozen=True)
class ConfigLocation:
    """Where the config comes from and why that one was chosen."""

    path: Path | None
    """None for the packaged default (read through importlib.resources)."""
    reason: str

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else PACKAGED_LABEL


def find_config_path(
    cli_path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> ConfigLocation:
    """Lookup order: ``--config``, ``FIEDLER_CONFIG``, the user's config dir, the packaged default.

    An explicitly named file that does not exist is an error, not a silent fallback.
    """
    env = os.environ if env is None else env
    if cli_path:
        return _explicit(Path(cli_path), "--config")
    if env.get("FIEDLER_CONFIG"):
        return _explicit(Path(env["FIEDLER_CONFIG"]), "FIEDLER_CONFIG")
    user_file = user_config_dir() / CONFIG_FILE_NAME
    if user_file.is_file():
        return ConfigLocation(user_file, "user config dir")
    return ConfigLocation(None, PACKAGED_LABEL)


def _explicit(path: Path, origin: str) -> ConfigLocation:
    path = path.expanduser()
    if path.is_dir():
        raise ConfigError(
            [f"{path}: config file named by {origin} is a directory; name the models.yaml in it"]
        )
    if path.exists() and not path.is_file():  # a FIFO or a device: reading it could block
        raise ConfigError([f"{path}: config file named by {origin} is not a regular file"])
    if not path.is_file():
        raise ConfigError([f"{path}: config file named by {origin} does not exist"])
    return ConfigLocation(path, origin)


def packaged_config_text() -> str:
    """The models.yaml shipped inside the package."""
    return resources.files("fiedler_tui").joinpath("data", CONFIG_FILE_NAME).read_text("utf-8")


def load_config(
    cli_path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Find and load the config; raise ConfigError listing every problem. The default models
    the user saved (``core.user_defaults``) replace its ``default:`` flags."""
    location = find_config_path(cli_path, env)
    if location.path is None:
        return apply_saved_models(parse_config(packaged_config_text(), PACKAGED_LABEL))
    try:
        raw = location.path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{location.path}: cannot read: {exc}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            [
                f"{location.path}:{line}: models.yaml is not UTF-8 text "
                f"(byte 0x{raw[exc.start]:02x} at line {line})"
            ]
        ) from None
    return apply_saved_models(parse_config(text, str(location.path)))


def parse_config(text: str, source: str) -> Config:
    """Validate ``text`` as models.yaml; ``source`` names the file in messages."""
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        where = f"{source}:{exc.line}" if exc.line else source
        raise ConfigError([f"{where}: invalid YAML: {exc.problem}"]) from None
    problems: list[str] = []

    def report(path: Path_, message: str, line: int | None = None) -> None:
        line = line if line is not None else located.line_of(path)
        dotted = ".".join(str(p) for p in path) or "(top level)"
        problems.append(f"{source}:{line or '?'}: {dotted}: {message}")

    for path, first, again in located.duplicates:
        report(path, f"duplicate key (first defined on line {first})", again)

    data = located.data
    if data is None:  # no document: an empty file, or only comments
        report((), "models.yaml is empty: expected providers: and models:", 1)
        raise ConfigError(problems)
    if not isinstance(data, dict):
        report((), "the file must be a mapping with 'providers' and 'models'")
        raise ConfigError(problems)
    prepared = with_resolved_ca_bundles(_with_names(data), _base_dir(source))
    prepared = with_rule_lines(prepared, located.line_of)
    checks = _cross_checks(prepared) + network_field_problems(prepared)
    for path, message in checks + egress_field_problems(prepared):
        report(path, message)
    try:
        config = Config.model_validate({**prepared, "source": source})
    except ValidationError as exc:
        for error in exc.errors():
            report(_loc_path(error), _friendly(error))
    if problems:
        raise ConfigError(_sorted(problems))
    return config


def _base_dir(source: str) -> Path:
    """The folder relative paths in the config start from: the config file's own."""
    if source == PACKAGED_LABEL:
        return Path.cwd()
    return Path(source).expanduser().absolute().parent


def _with_names(data: dict[str, Any]) -> dict[str, Any]:
    """Copy each provider's and model's mapping key into its ``name`` field."""
    out = dict(data)
    for section in ("providers", "models"):
        entries = data.get(section)
        if isinstance(entries, dict):
            out[section] = {
                str(key): ({**value, "name": str(key)} if isinstance(value, dict) else value)
                for key, value in entries.items()
            }
    return out


def _loc_path(error: ErrorDetails) -> Path_:
    return tuple(p for p in error["loc"] if isinstance(p, (str, int)))


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "greater_than": "must be a positive {kind}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "string_pattern_mismatch": "must start with http:// or https://",
    "string_too_short": "must not be empty",
}


def _friendly(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return "must not be negative"
    if kind in ("greater_than", "greater_than_equal") and ctx.get("gt", ctx.get("ge")) == 0:
        number = "integer" if isinstance(error.get("input"), int) else "number"
        return _MESSAGES["greater_than"].format(kind=number)
    if kind == "enum":
        return f"must be one of {ctx.get('expected', '')}; got {error.get('input')!r}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', '')}; got {error.get('input')!r}"
    template = _MESSAGES.get(kind)
    if template is not None:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            return template
    return error["msg"]


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


_NO_COUNT_ENDPOINT = (
    "'api' needs a count endpoint, and kind openai has none (its models count exactly "
    "offline with their tokenizer); use 'estimate' or leave it unset"
)


def _cross_checks(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Rules that span fields or entries: references, limits, name uniqueness.

    They read the raw mapping defensively, so they are reported alongside field errors.
    """
    problems: list[tuple[Path_, str]] = []
    providers = data.get("providers")
    models = data.get("models")
    if not isinstance(models, dict):
        return problems
    provider_names = sorted(providers) if isinstance(providers, dict) else []
    specs = {
        str(name): spec
        for name, spec in (providers.items() if isinstance(providers, dict) else ())
        if isinstance(spec, dict)
    }
    kinds = {name: spec.get("kind") for name, spec in specs.items()}
    for name, spec in specs.items():
        if spec.get("kind") == "openai" and spec.get("count") == "api":
            problems.append((("providers", name, "count"), _NO_COUNT_ENDPOINT))
    owners: dict[str, str] = {}
    for name, model in models.items():
        if not isinstance(model, dict):
            continue
        base: Path_ = ("models", name)
        provider = model.get("provider")
        if isinstance(provider, str) and provider not in provider_names:
            known = ", ".join(provider_names) or "none defined"
            problems.append(
                ((*base, "provider"), f"unknown provider {provider!r} (known: {known})")
            )
        if model.get("count") == "api" and kinds.get(str(provider)) == "openai":
            problems.append(((*base, "count"), _NO_COUNT_ENDPOINT))
        problems += model_problems(base, model, kinds.get(str(provider)))
        problems += price_tier_problems(base, model)
        window = _positive_int(model.get("context_window"))
        reserve = _positive_int(model.get("max_completion_tokens"))
        ceiling = _positive_int(model.get("max_output_tokens"))
        if window and reserve and reserve >= window:
            problems.append(
                (
                    (*base, "max_completion_tokens"),
                    f"must be smaller than context_window ({reserve:,} >= {window:,}); "
                    "no room would be left for the input",
                )
            )
        if ceiling and reserve and reserve > ceiling:
            problems.append(
                (
                    (*base, "max_completion_tokens"),
                    f"exceeds the model's max_output_tokens ({ceiling:,})",
                )
            )
        aliases = model.get("aliases")
        names: list[tuple[Path_, Any]] = [(base, name)]
        if isinstance(aliases, list):
            names += [((*base, "aliases", i), alias) for i, alias in enumerate(aliases)]
        for path, alias in names:
            if not isinstance(alias, str):
                continue
            owner = owners.setdefault(alias, name)
            if owner != name:
                problems.append(
                    (path, f"name {alias!r} is used by both models {owner!r} and {name!r}")
                )
    return problems


def _sorted(problems: list[str]) -> list[str]:
    def key(line: str) -> tuple[int, str]:
        parts = line.split(":", 2)
        try:
            return (int(parts[1]), line)
        except (IndexError, ValueError):
            return (0, line)

    return sorted(dict.fromkeys(problems), key=key)
