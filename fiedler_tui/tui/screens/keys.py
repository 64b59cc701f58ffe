"""Keys: where each provider's key comes from; store one (masked input) or delete it."""

from __future__ import annotations

import logging
import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.errors import KeyStoreError
from fiedler_tui.core.keys import (
    STRICT_VARIABLE,
    BackendStatus,
    KeySource,
    KeyStore,
    ResolvedKey,
)
from fiedler_tui.core.ratelimits import LearnedLimitsStore, known_limits
from fiedler_tui.tui.safe_text import plain

KEYRING_SERVICES = (
    "Secret Service or KWallet on Linux, Keychain on macOS, Credential Locker on Windows"
)

log = logging.getLogger(__name__)


class KeyInput(ModalScreen[str | None]):
    """Asks for a key with masked input; returns it, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="key-input-cancel")]

    def __init__(self, provider: str) -> None:
        super().__init__()
        self._provider = provider

    def compose(self) -> ComposeResult:
        with Vertical(id="key-input-box"):
            yield Label(plain(f"API key for {self._provider} (stored in the keyring)"))
            yield Input(password=True, placeholder="paste the key, then enter", id="key-value")

    @on(Input.Submitted, "#key-value")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDelete(ModalScreen[bool]):
    """Asks before a stored key is deleted: y deletes, n or escape keeps it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Delete", id="key-delete-yes"),
        Binding("n,escape", "answer(False)", "Keep", id="key-delete-no"),
    ]

    def __init__(self, provider: str) -> None:
        super().__init__()
        self._provider = provider

    def compose(self) -> ComposeResult:
        with Vertical(id="key-input-box"):
            yield Label(plain(f"Delete the stored key for {self._provider}?  y: delete, n: keep"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class KeysScreen(Screen[None]):
    """One row per provider: key source (keyring, env, missing), what to do, where from."""

    BINDINGS = [
        Binding("s", "set_key", "Set key", id="keys-set"),
        Binding("d", "delete_key", "Delete key", id="keys-delete"),
        Binding("r", "refresh", "Refresh", id="keys-refresh"),
        Binding("escape", "app.pop_screen", "Back", id="keys-back"),
    ]

    def __init__(self, config: Config, keystore: KeyStore) -> None:
        super().__init__()
        self._config = config
        self._keystore = keystore

    def compose(self) -> ComposeResult:
        yield Static(id="keys-backend")
        yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="keys-help")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # By importance: "from" (the keyring entry or variable read) is the one a narrow
        # terminal cuts, not what to do about a missing key.
        table.add_columns("provider", "source", "what to do", "from")
        self.action_refresh()

    @work(thread=True, exclusive=True, group="keys", exit_on_error=False)
    def action_refresh(self) -> None:
        """Keyring look-ups can block (D-Bus, unlock prompts): they run off the UI thread."""
        try:
            status = self._keystore.backend_status()
            resolved = self._keystore.resolve_all(self._config)
            keys = {name: key.value for name, key in resolved.items()}
            limits = known_limits(
                self._config, LearnedLimitsStore.default().load(), keys, time.time()
            )
        except Exception as exc:  # a keyring backend failing in a way keyring does not wrap
            log.exception("reading the keyring failed")
            message = f"cannot read the keyring: {type(exc).__name__}: {exc}"
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)
            return
        self.app.call_from_thread(self._show, status, list(resolved.values()), limits)

    def _show(
        self,
        status: BackendStatus,
        resolved: list[ResolvedKey],
        limits: list[tuple[str, str]] | None = None,
    ) -> None:
        header = f"keyring backend: {status.name}" + (
            f" ({status.reason})" if status.reason else ""
        )
        if self._keystore.require_secure:
            header += f"\n{STRICT_VARIABLE}=1: environment variables and insecure backends refused"
        self.query_one("#keys-backend", Static).update(plain(header))
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for key in resolved:
            table.add_row(
                plain(key.provider),
                plain(str(key.source)),
                plain(self._fix(key.provider, status) if key.source is KeySource.MISSING else ""),
                plain(key.origin),
                key=key.provider,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        lines = [f"rate limits of {name}: {text}" for name, text in limits or ()]
        self.query_one("#keys-help", Static).update(plain("\n".join(lines)))

    def _fix(self, name: str, status: BackendStatus) -> str:
        """What to do about a missing key, in this screen's keys (not the command line's)."""
        strict = self._keystore.require_secure
        variables = self._config.providers[name].key_env
        keyring_ok = status.usable and (status.secure or not strict)
        fixes = ["s stores one"] if keyring_ok else []
        if variables and not strict:
            fixes.append(f"set {' or '.join(variables)}")
        if not fixes:
            fixes.append("needs a secure keyring service, then s")
        return " or ".join(fixes)

    def _selected_provider(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def action_set_key(self) -> None:
        name = self._selected_provider()
        if name is None:
            return
        if not self._config.providers[name].requires_key:
            self.notify(f"{name} needs no key", severity="information")
            return
        self._ask_if_storable(name, "store")

    @work(thread=True, group="keys", exit_on_error=False)
    def _ask_if_storable(self, name: str, action: str) -> None:
        """Ask for the key (or the delete) only when the keyring can take it; otherwise say
        what to do instead, before anything is typed."""
        try:
            problem = self.keyring_problem(name, action)
        except Exception as exc:  # a keyring backend failing in a way keyring does not wrap
            log.exception("reading the keyring failed")
            problem = f"cannot read the keyring: {type(exc).__name__}: {exc}"
        if problem:
            self.app.call_from_thread(
                self.notify, problem, title="No keyring", severity="error", timeout=15
            )
        elif action == "store":
            self.app.call_from_thread(self._ask_key, name)
        else:
            self.app.call_from_thread(self._ask_delete, name)

    def keyring_problem(self, name: str, action: str) -> str:
        """Why a key for ``name`` cannot be stored or deleted here, with what to do; empty when
        it can. Looks at the keyring backend: call it in a thread."""
        status = self._keystore.backend_status()
        strict = self._keystore.require_secure
        if status.usable and (status.secure or not strict):
            return ""
        why = status.reason if not status.usable else f"the keyring {status.reason}"
        if strict and status.usable:
            why += f" and {STRICT_VARIABLE}=1 refuses it"
        fix = f"install and unlock a keyring service ({KEYRING_SERVICES}) and restart fiedler"
        variables = self._config.providers[name].key_env
        if variables and not strict:
            fix = f"set {' or '.join(variables)} before starting fiedler, or {fix}"
        return f"cannot {action} a key for {name}: {why}. To use {name}: {fix}"

    def _ask_key(self, name: str) -> None:
        def stored(value: str | None) -> None:
            if value:
                self._store(name, value)

        self.app.push_screen(KeyInput(name), stored)

    @work(thread=True, group="keys", exit_on_error=False)
    def _store(self, name: str, value: str) -> None:
        try:
            self._keystore.set(self._config.providers[name], value)
        except KeyStoreError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"stored the key for {name}")
        self.action_refresh()

    def action_delete_key(self) -> None:
        name = self._selected_provider()
        if name is None:
            return
        self._ask_if_storable(name, "delete")

    def _ask_delete(self, name: str) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(name)

        self.app.push_screen(ConfirmDelete(name), confirmed)

    @work(thread=True, group="keys", exit_on_error=False)
    def _delete(self, name: str) -> None:
        try:
            deleted = self._keystore.delete(self._config.providers[name])
        except KeyStoreError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=10)
            return
        message = f"deleted the key for {name}" if deleted else f"no key stored for {name}"
        self.app.call_from_thread(self.notify, message)
        self.action_refresh()
