"""The API keys the app starts a send or a deliberation with (looked up off the UI thread: a
keyring may block on D-Bus)."""

from __future__ import annotations

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore, secret_values
from fiedler_tui.core.logs import register_secrets


def launch_keys(
    config: Config, keystore: KeyStore, demo_keys: dict[str, str | None] | None
) -> dict[str, str | None]:
    """The demo's keys as given, or every provider's key resolved (its value registered so the
    logs mask it). Blocking: call from a thread."""
    if demo_keys is not None:
        return demo_keys
    resolved = keystore.resolve_all(config)
    register_secrets(secret_values(resolved.values()))
    return {name: key.value for name, key in resolved.items()}
