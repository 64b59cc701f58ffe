"""API keys: the OS keyring first, the provider's usual environment variable as a fallback.

``FIEDLER_REQUIRE_SECURE_KEYRING=1`` forbids the fallback and refuses insecure keyring backends.
A machine without any keyring backend (common on headless servers) gets a message that says what
to do, never a crash. Key values never appear in a repr, a log record or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import keyring
import keyring.errors

from fiedler_tui.core.config.schema import Config, ProviderSpec
from fiedler_tui.core.errors import KeyStoreError

SERVICE = "fiedler"
STRICT_VARIABLE = "FIEDLER_REQUIRE_SECURE_KEYRING"
_INSECURE_BACKENDS = ("fail", "null", "plaintext")


_UNSENDABLE = "holds characters an HTTP header cannot carry (check for a pasted quote or space)"


def header_safe(value: str) -> bool:
    """Printable ASCII without spaces: what an API key must be to travel in a header."""
    return value.isascii() and value.isprintable() and " " not in value


class KeySource(StrEnum):
    KEYRING = "keyring"
    ENV = "env"
    NOT_NEEDED = "not needed"
    MISSING = "missing"


@dataclass(frozen=True)
class BackendStatus:
    """What the keyring library found on this machine."""

    name: str
    usable: bool
    secure: bool
    reason: str = ""


@dataclass(frozen=True)
class ResolvedKey:
    """Where a provider's key comes from; ``value`` is never shown in a repr."""

    provider: str
    source: KeySource
    value: str | None = field(default=None, repr=False)
    origin: str = ""
    """The env variable or keyring entry the key came from."""
    problem: str = ""
    """For a missing key: why it is missing."""
    fix: str = ""
    """For a missing key: what to do."""

    @property
    def help(self) -> str:
        return f"{self.problem}: {self.fix}" if self.problem else ""


def describe_backend(backend: Any) -> BackendStatus:
    """Classify a keyring backend object as usable and/or secure."""
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    lowered = name.lower()
    children = getattr(backend, "backends", None)
    if children is not None and not children:
        return BackendStatus(name, usable=False, secure=False, reason="no keyring backend found")
    if lowered.startswith("keyring.backends.fail") or ".fail." in lowered:
        return BackendStatus(name, usable=False, secure=False, reason="no keyring backend found")
    if lowered.startswith("keyring.backends.null"):
        return BackendStatus(name, usable=False, secure=False, reason="keyring is disabled (null)")
    if any(word in lowered for word in _INSECURE_BACKENDS):
        return BackendStatus(name, usable=True, secure=False, reason="stores keys in plain text")
    return BackendStatus(name, usable=True, secure=True)


_KEYRING_SERVICES = (
    "Secret Service or KWallet on Linux, Keychain on macOS, Credential Locker on Windows"
)
_HOW_TO_GET_A_BACKEND = f"install and unlock a keyring service ({_KEYRING_SERVICES})"


class KeyStore:
    """Reads, writes and deletes provider keys; one instance per process is enough."""

    def __init__(
        self,
        *,
        require_secure: bool = False,
        env: Mapping[str, str] | None = None,
        backend: Any | None = None,
    ) -> None:
        self.require_secure = require_secure
        self._env = os.environ if env is None else env
        self._backend = backend

    @property
    def backend(self) -> Any:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def backend_status(self) -> BackendStatus:
        return describe_backend(self.backend)

    def resolve(self, provider: ProviderSpec) -> ResolvedKey:
        """Find ``provider``'s key; a missing key is a result with a ``problem``, not an error."""
        if not provider.requires_key:
            return ResolvedKey(provider.name, KeySource.NOT_NEEDED)
        status = self.backend_status()
        entry = provider.keyring_name
        notes: list[str] = []
        if status.usable and (status.secure or not self.require_secure):
            try:
                value = self.backend.get_password(SERVICE, entry)
            except keyring.errors.KeyringError as exc:
                notes.append(f"keyring could not be read ({type(exc).__name__})")
            else:
                value = (value or "").strip()
                if value and header_safe(value):
                    return ResolvedKey(provider.name, KeySource.KEYRING, value, f"keyring:{entry}")
                if value:
                    notes.append(f"the keyring's key ({entry}) {_UNSENDABLE}")
        elif status.usable:
            notes.append(
                f"keyring backend {status.name} {status.reason}; {STRICT_VARIABLE}=1 refuses it"
            )
        else:
            notes.append(status.reason)
        present = [name for name in provider.key_env if self._env.get(name, "").strip()]
        if present and not self.require_secure:
            name = present[0]
            value = self._env[name].strip()
            if header_safe(value):
                return ResolvedKey(provider.name, KeySource.ENV, value, name)
            notes.append(f"{name} {_UNSENDABLE}")
            present = []
        if present:
            notes.append(f"{STRICT_VARIABLE}=1 ignores {', '.join(present)}")
        detail = f" ({'; '.join(notes)})" if notes else ""
        return ResolvedKey(
            provider.name,
            KeySource.MISSING,
            problem=f"no API key for {provider.name}{detail}",
            fix=self._missing_fix(provider),
        )

    def _missing_fix(self, provider: ProviderSpec) -> str:
        status = self.backend_status()
        keyring_ok = status.usable and (status.secure or not self.require_secure)
        store = f"`fiedler keys set {provider.name}`"
        if keyring_ok:
            fixes = [f"run {store}"]
        elif self.require_secure:
            fixes = [f"set up a secure keyring service ({_KEYRING_SERVICES}), then run {store}"]
        else:
            fixes = []
        if provider.key_env and not self.require_secure:
            fixes.append("set " + " or ".join(provider.key_env))
        return " or ".join(fixes)

    def _writable_backend(self, action: str) -> Any:
        status = self.backend_status()
        if not status.usable:
            raise KeyStoreError(
                f"cannot {action} a key: {status.reason}. To use the keyring, "
                f"{_HOW_TO_GET_A_BACKEND}; or put the key in the provider's environment variable."
            )
        if self.require_secure and not status.secure:
            raise KeyStoreError(
                f"cannot {action} a key: keyring backend {status.name} {status.reason} and "
                f"{STRICT_VARIABLE}=1 refuses it; {_HOW_TO_GET_A_BACKEND}"
            )
        return self.backend

    def set(self, provider: ProviderSpec, value: str) -> None:
        value = value.strip()
        if not value:
            raise KeyStoreError("refusing to store an empty key")
        if not header_safe(value):
            raise KeyStoreError(f"refusing to store this key: it {_UNSENDABLE}")
        backend = self._writable_backend("store")
        try:
            backend.set_password(SERVICE, provider.keyring_name, value)
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"the keyring refused to store the key: {exc}") from None

    def delete(self, provider: ProviderSpec) -> bool:
        """Delete the stored key; False when there was none."""
        backend = self._writable_backend("delete")
        try:
            backend.delete_password(SERVICE, provider.keyring_name)
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"the keyring refused to delete the key: {exc}") from None
        return True

    def resolve_all(self, config: Config) -> dict[str, ResolvedKey]:
        return {name: self.resolve(spec) for name, spec in config.providers.items()}


def secret_values(resolved: Iterable[ResolvedKey]) -> list[str]:
    """The key values found, for the log redaction filter."""
    return [r.value for r in resolved if r.value]
