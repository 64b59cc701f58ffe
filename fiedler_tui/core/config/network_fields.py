"""A provider's ``proxy:`` and ``ca_bundle:`` in models.yaml: resolved and checked at load time.

``ca_bundle`` may be relative to the folder of models.yaml (``~`` is expanded); it must be a
readable PEM file holding at least one certificate. ``proxy`` must be an ``http://`` or
``https://`` URL, or ``direct``. Problems are reported with the others, as ``file:line: field``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fiedler_tui.core.config.yaml_lines import Path_
from fiedler_tui.core.network.certificates import ca_file_problem
from fiedler_tui.core.network.proxy_url import DIRECT, parse_proxy_url


def with_resolved_ca_bundles(data: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``data`` whose providers' ``ca_bundle`` strings are absolute paths."""
    providers = data.get("providers")
    if not isinstance(providers, dict):
        return data
    resolved: dict[str, Any] = {}
    for name, entry in providers.items():
        bundle = entry.get("ca_bundle") if isinstance(entry, dict) else None
        if isinstance(bundle, str) and bundle.strip():
            path = Path(bundle.strip()).expanduser()
            entry = {**entry, "ca_bundle": str(path if path.is_absolute() else base_dir / path)}
        resolved[name] = entry
    return {**data, "providers": resolved}


def network_field_problems(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """What is wrong with each provider's ``proxy`` and ``ca_bundle`` (type errors aside)."""
    problems: list[tuple[Path_, str]] = []
    providers = data.get("providers")
    if not isinstance(providers, dict):
        return problems
    for name, entry in providers.items():
        if not isinstance(entry, dict):
            continue
        proxy = entry.get("proxy")
        if isinstance(proxy, str):
            problem = _proxy_problem(proxy)
            if problem:
                problems.append((("providers", name, "proxy"), problem))
        bundle = entry.get("ca_bundle")
        if isinstance(bundle, str):
            problem = (
                ca_file_problem(Path(bundle))
                if bundle.strip()
                else "must not be empty; leave it out for the system's CA certificates"
            )
            if problem:
                problems.append((("providers", name, "ca_bundle"), problem))
    return problems


def _proxy_problem(proxy: str) -> str | None:
    if not proxy.strip():
        return (
            f"must not be empty; `{DIRECT}` means no proxy, and leaving it out uses the "
            "environment's (HTTPS_PROXY, ...)"
        )
    if proxy.strip().lower() == DIRECT:
        return None
    try:
        parse_proxy_url(proxy)
    except ValueError as exc:
        return str(exc)
    return None
