"""``fiedler_set_key`` and ``fiedler_delete_key``: provider keys in the OS keyring, through MCP.

They exist only when the server runs with ``FIEDLER_MCP_KEY_TOOLS=1`` (a key given to a tool
passes through the assistant's context). Only a secure keyring backend is accepted: a key is never
written to a plain-text or disabled backend, nor to the environment. A value is registered with
the log redaction before anything else is done with it, and no result or refusal holds it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fiedler_tui.core.errors import KeyStoreError
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import Config, ProviderSpec
    from fiedler_tui.core.keys import KeyStore

log = logging.getLogger(__name__)

NO_SECURE_KEYRING = (
    "keys are stored only in a secure keyring (Secret Service or KWallet on Linux, Keychain on "
    "macOS, Credential Locker on Windows) and this server has none"
)


def _provider(config: Config, name: str) -> ProviderSpec:
    provider = config.providers.get(name.strip())
    if provider is None:
        raise ToolRefusal(
            "unknown-provider",
            f"unknown provider {name.strip()!r}",
            [f"providers in models.yaml: {', '.join(config.providers) or '(none)'}"],
        )
    if not provider.requires_key:
        raise ToolRefusal(
            "key-not-needed", f"provider {provider.name} needs no key (requires_key: false)"
        )
    return provider


def _secure_keystore(keystore: KeyStore) -> None:
    status = keystore.backend_status()
    if not (status.usable and status.secure):
        raise ToolRefusal(
            "no-secure-keyring",
            f"{NO_SECURE_KEYRING}: {status.name} {status.reason}".rstrip(),
            [
                "run `fiedler keys set PROVIDER` in a terminal where a keyring service is "
                "unlocked, or give the server the provider's environment variable"
            ],
        )


def set_key(config: Config, keystore: KeyStore, provider_name: str, value: str) -> dict[str, Any]:
    """Store ``value`` as ``provider_name``'s key in the keyring; the result never holds it."""
    from fiedler_tui.core.logs import register_secrets

    if value.strip():
        register_secrets([value.strip()])
    provider = _provider(config, provider_name)
    _secure_keystore(keystore)
    try:
        keystore.set(provider, value)
    except KeyStoreError as exc:
        raise ToolRefusal("keyring", str(exc)) from None
    log.info("key of %s stored in the keyring through MCP", provider.name)
    resolved = keystore.resolve(provider)
    return {
        "provider": provider.name,
        "stored": True,
        "keyring_entry": provider.keyring_name,
        "keyring": keystore.backend_status().name,
        "source": str(resolved.source),
    }


def delete_key(config: Config, keystore: KeyStore, provider_name: str) -> dict[str, Any]:
    """Delete ``provider_name``'s key from the keyring; says whether there was one."""
    provider = _provider(config, provider_name)
    _secure_keystore(keystore)
    try:
        deleted = keystore.delete(provider)
    except KeyStoreError as exc:
        raise ToolRefusal("keyring", str(exc)) from None
    if deleted:
        log.info("key of %s deleted from the keyring through MCP", provider.name)
    resolved = keystore.resolve(provider)
    return {
        "provider": provider.name,
        "deleted": deleted,
        "keyring_entry": provider.keyring_name,
        "source": str(resolved.source),
        "problem": resolved.help or None,
    }
