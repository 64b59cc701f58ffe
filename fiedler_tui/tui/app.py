"""The Textual app: registers themes, holds shared core objects, opens screens. Nothing more."""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from fiedler_tui.core.settings import Settings
from fiedler_tui.tui import startup_gc
from fiedler_tui.tui.preferences import Preferences
from fiedler_tui.tui.safe_text import visible
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.help import HelpScreen, key_words
from fiedler_tui.tui.themes import DEFAULT_THEME, STATUS_COLOUR_DEFAULTS, load_themes

if TYPE_CHECKING:
    # Loaded when first needed, so the first frame does not wait for the dry-run, key, network
    # and simulator code (see "First paint" in bench/README.md).
    from fiedler_tui.core.budget import DryRunResult
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.crosstalk.session import DeliberationChoices
    from fiedler_tui.core.keys import KeyStore
    from fiedler_tui.core.simulator.demo import DemoEnvironment
    from fiedler_tui.tui.deliberation_launcher import DeliberationLaunch
    from fiedler_tui.tui.run_launcher import Launch

log = logging.getLogger(__name__)

DEMO_SUBTITLE = "DEMO: simulated models on this machine; nothing is sent anywhere"
NARROW_COLUMNS = 120
"""Below this width footers are compact, so every screen's keys (esc Back too) fit in 80."""


class FiedlerApp(App[None]):
    """fiedler's terminal UI. Screens live in ``tui/screens``; business logic in ``core``."""

    TITLE = "fiedler"
    CSS_PATH = ["app.tcss", "screens.tcss", "run.tcss"]
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="Every key of this screen, in words"),
        Binding(
            "f2", "keys", "Keys", id="keys", tooltip="Where each provider's key comes from; set one"
        ),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        config: Config | None = None,
        config_path: str | None = None,
        keystore: KeyStore | None = None,
        demo: bool = False,
        start_screen: bool = True,
    ) -> None:
        """Without ``config``, models.yaml (``config_path``, else the usual places) is read and
        checked in a thread once the app shows; in ``demo`` mode the simulator makes one.
        ``keystore`` defaults to the keyring-then-environment store of ``settings``."""
        super().__init__()
        self.settings = settings
        self.demo = demo
        self._config = config
        self._config_path = config_path
        self._config_ready = asyncio.Event()
        if config is not None:
            self._config_ready.set()
        self.config_problem: str | None = None
        """Why there is no config (models.yaml has problems, the demo did not start), or None."""
        self._keystore = keystore
        self._keystore_lock = threading.Lock()
        self._demo_env: DemoEnvironment | None = None
        self._start_screen = start_screen
        self._theme_failures = self._install_themes()
        self._theme_to_save: str | None = None
        self._preferences_lock = threading.Lock()
        self._launching = False
        """True from a send key press until its run screen opens or it is refused."""
        if settings.keymap:  # settings.toml's [keymap]: binding id -> keys
            self.set_keymap(dict(settings.keymap))

    # ---- shared core objects -----------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The models.yaml in use (in demo mode: the simulator's, once it runs)."""
        if self._config is None:
            raise RuntimeError("the models are not ready yet (await wait_for_config)")
        return self._config

    @property
    def demo_keys(self) -> dict[str, str | None] | None:
        """The demo's keys (None outside the demo: keys come from the key store)."""
        return self._demo_env.keys if self._demo_env is not None else None

    @property
    def config_ready(self) -> bool:
        return self._config is not None

    @property
    def no_config_reason(self) -> str:
        """Why there are no models to choose from (yet)."""
        if self.config_problem is not None:
            return self.config_problem
        return "the demo's models are still starting" if self.demo else "models.yaml is loading"

    async def wait_for_config(self) -> Config | None:
        """The config once there is one; None if there will be none (:attr:`config_problem`
        says why).

        Unless given one, the app gets its config after the first frame: await this in a
        worker, not in a handler the app must finish first (such as ``on_mount``).
        """
        await self._config_ready.wait()
        return self._config

    @property
    def keystore(self) -> KeyStore:
        """Where keys come from; made on first use (importing keyring takes a while)."""
        with self._keystore_lock:
            if self._keystore is None:
                from fiedler_tui.core.keys import KeyStore

                self._keystore = KeyStore(require_secure=self.settings.require_secure_keyring)
            return self._keystore

    # ---- start and stop ----------------------------------------------------------------------

    async def on_mount(self) -> None:
        if self._theme_failures:
            self.notify(
                "\n".join(self._theme_failures),
                title="Some theme files were skipped",
                severity="warning",
                timeout=15,
            )
        if self.settings.file_problems:
            self.notify(
                "\n".join(self.settings.file_problems),
                title="settings.toml: entries left out",
                severity="warning",
                timeout=15,
            )
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.demo:
            self.sub_title = DEMO_SUBTITLE
        # What the first frame does not need starts after it.
        self.call_after_refresh(self._after_first_frame)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_COLUMNS, "-narrow")

    def on_app_focus(self, event: events.AppFocus) -> None:
        """In a browser (``fiedler serve``) the app starts blurred, before the screen has
        focused anything, so the first focus would find nothing to restore: the screen's own
        first widget (Compose's prompt) takes it, as it does in a terminal."""
        screen = self.screen
        if screen.focused is None and isinstance(screen.AUTO_FOCUS, str):
            targets = screen.query(screen.AUTO_FOCUS)
            if targets:
                targets.first().focus()

    def get_default_screen(self) -> Screen[Any]:
        """Compose is the base screen (pushed over a blank one, it would be styled twice)."""
        if self._start_screen:
            return ComposeScreen()
        return super().get_default_screen()

    def _after_first_frame(self) -> None:
        startup_gc.resume()
        if self.demo:
            self.notify(DEMO_SUBTITLE, title="Demo", timeout=8)
            self._start_demo()
        elif self._config is None:
            self._load_config()
        self._warm_up_once_configured()
        if self.settings.retention_days and not self.settings.no_disk:
            self._prune_old_runs(self.settings.retention_days)

    @work(group="warm-up", exit_on_error=False)
    async def _warm_up_once_configured(self) -> None:
        """Warm up after the models came: both are import-heavy threads, and sharing the GIL
        they made the models list appear about 40 ms later."""
        await self._config_ready.wait()
        self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import the dry-run, send and Run screen code and open the key store, so the first
        preview, send or Keys screen does not wait for it."""
        import fiedler_tui.core.budget.dry_run
        import fiedler_tui.tui.run_launcher
        import fiedler_tui.tui.screens.keys
        import fiedler_tui.tui.screens.run  # noqa: F401

        self.keystore  # noqa: B018 - made here, off the event loop

    @work(group="demo", exit_on_error=False)
    async def _start_demo(self) -> None:
        """Start the simulator on a free loopback port and take its models.yaml."""
        try:
            module = await asyncio.to_thread(
                importlib.import_module, "fiedler_tui.core.simulator.demo"
            )
            env: DemoEnvironment = module.DemoEnvironment()
            await env.__aenter__()
        except Exception as exc:  # e.g. no free loopback port: say so, keep the app open
            log.exception("the demo simulator did not start")
            self._no_config(f"the demo's models could not start: {type(exc).__name__}: {exc}")
            return
        self._demo_env = env
        self._config = env.config
        self._config_ready.set()

    @work(group="config", exit_on_error=False)
    async def _load_config(self) -> None:
        """Read and check models.yaml in a thread (pydantic and the file take over 100 ms); its
        problems, each with file, line and field, are shown in the app."""
        from fiedler_tui.core.errors import ConfigError

        try:
            config = await asyncio.to_thread(_read_config, self._config_path)
        except ConfigError as exc:
            self._no_config("\n".join(["models.yaml has problems:", *exc.lines()]))
            return
        except Exception as exc:  # a bug: one line here, the traceback in the log
            log.exception("loading models.yaml failed")
            self._no_config(f"models.yaml could not be loaded: {type(exc).__name__}: {exc}")
            return
        self._config = config
        self._config_ready.set()

    def _no_config(self, problem: str) -> None:
        self.config_problem = problem
        self.notify(problem, title="No models", severity="error", timeout=30)
        self._config_ready.set()

    async def on_unmount(self) -> None:
        if self._demo_env is not None:
            await self._demo_env.__aexit__(None, None, None)

    @work(thread=True, group="retention", exit_on_error=False)
    def _prune_old_runs(self, days: int) -> None:
        from fiedler_tui.core.store.run_store import RunStore

        RunStore(self.settings.output_dir).prune(days)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, from any screen or worker, shown literally.

        Messages often carry untrusted text (provider errors, file names, keyring messages):
        markup is never interpreted and terminal controls are shown as visible escapes.
        """
        del markup
        super().notify(
            visible(message),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """ctrl+c does not quit: say which key does (Textual's own hint is markup, shown raw)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                shown = key_words(self, active.binding) or key
                self.notify(f"Press {shown} to quit fiedler", title="Do you want to quit?")
                return

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Model status colours for themes that do not define them (Textual's own themes)."""
        return {**super().get_theme_variable_defaults(), **STATUS_COLOUR_DEFAULTS}

    def _fatal_error(self) -> None:
        """An unexpected error ends the app with one line; the traceback goes to the log file."""
        error = self._exception
        if error is not None:
            log.error(
                "unexpected error in the app", exc_info=(type(error), error, error.__traceback__)
            )
            what = f"{type(error).__name__}: {error}"
        else:
            what = "unknown"
        line = f"fiedler: internal error: {what} (details in the log file)"
        self._exit_renderables.append(Text(visible(line)))
        self._close_messages_no_wait()

    def _install_themes(self) -> list[str]:
        """Register the theme files and start in the saved choice; the files that failed.

        Called before the app runs, so the stylesheet is first parsed with the chosen theme's
        colours. Setting ``App.theme`` instead would reparse and reapply all CSS before the
        first frame (about 65 ms).
        """
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        wanted = Preferences.load().theme or DEFAULT_THEME
        name = wanted if wanted in self.available_themes else DEFAULT_THEME
        self.set_reactive(App.theme, name)
        # What the theme watcher would do, minus the CSS refresh (nothing is styled yet).
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        self.set_class(True, f"-theme-{name}", update=False)
        self.set_class(dark, "-dark-mode", update=False)
        self.set_class(not dark, "-light-mode", update=False)
        return loaded.failures

    def _remember_theme(self, theme: Theme) -> None:
        if not self.settings.no_disk:
            self._theme_to_save = theme.name
            self._save_theme()

    @work(thread=True, group="preferences", exit_on_error=False)
    def _save_theme(self) -> None:
        """Write the latest theme chosen (a lock keeps quick changes in order)."""
        with self._preferences_lock:
            prefs = Preferences.load()
            if prefs.theme != self._theme_to_save:
                prefs.theme = self._theme_to_save
                prefs.save()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Keys", "Where each provider's key comes from", self.action_keys)
        yield SystemCommand("Help", "Every key binding", self.action_help)
        palette = getattr(screen, "palette_commands", None)
        if callable(palette):
            for title, help_text, callback in palette():
                yield SystemCommand(title, help_text, callback)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_keys(self) -> None:
        from fiedler_tui.tui.screens.keys import KeysScreen

        if not self.config_ready:
            self.notify(self.no_config_reason, severity="warning")
        elif not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.config, self.keystore))

    def start_run(self, result: DryRunResult, aliases: Sequence[str]) -> None:
        """Check and launch a send of ``result`` to ``aliases``; the Run screen shows it.

        A second press while the first is being checked is ignored: one press, one run.
        """
        if self._launching:
            self.notify("Already sending: checking the files and keys", severity="warning")
            return
        self._launching = True
        self._launch(result, list(aliases))

    @work(thread=True, group="launch", exit_on_error=False)
    def _launch(self, result: DryRunResult, aliases: list[str]) -> None:
        from fiedler_tui.tui.run_launcher import Launch, prepare_session

        try:
            launch = prepare_session(
                config=self.config,
                settings=self.settings,
                keystore=self.keystore,
                result=result,
                aliases=aliases,
                demo_keys=self._demo_env.keys if self._demo_env is not None else None,
            )
        except Exception as exc:  # a bug: say so in one line, keep the app running
            log.exception("preparing the send failed")
            launch = Launch(None, "Cannot send", (f"unexpected error: {type(exc).__name__}",))
        self.call_from_thread(self._launched, launch)

    def _launched(self, launch: Launch) -> None:
        self._launching = False
        if launch.session is None:
            self.notify(
                "\n".join(launch.problems),
                title=launch.title,
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        from fiedler_tui.tui.screens.run import RunScreen

        self.push_screen(RunScreen(launch.session))

    def start_deliberation(self, result: DryRunResult, choices: DeliberationChoices) -> None:
        """Check and launch a deliberation on ``result``'s package; the Deliberation screen
        shows it. One press, one deliberation (as :meth:`start_run`)."""
        if self._launching:
            self.notify("Already starting: checking the files, keys and budget", severity="warning")
            return
        self._launching = True
        self._launch_deliberation(result, choices)

    @work(thread=True, group="launch", exit_on_error=False)
    def _launch_deliberation(self, result: DryRunResult, choices: DeliberationChoices) -> None:
        from fiedler_tui.tui.deliberation_launcher import DeliberationLaunch, prepare_deliberation

        try:
            launch = prepare_deliberation(
                config=self.config,
                settings=self.settings,
                keystore=self.keystore,
                result=result,
                choices=choices,
                demo_keys=self._demo_env.keys if self._demo_env is not None else None,
            )
        except Exception as exc:  # a bug: say so in one line, keep the app running
            log.exception("preparing the deliberation failed")
            launch = DeliberationLaunch(
                None, "Cannot start", (f"unexpected error: {type(exc).__name__}",)
            )
        self.call_from_thread(self._deliberation_launched, launch)

    def _deliberation_launched(self, launch: DeliberationLaunch) -> None:
        self._launching = False
        if launch.session is None:
            self.notify(
                "\n".join(launch.problems), title=launch.title, severity="error", timeout=12
            )
            return
        from fiedler_tui.tui.screens.deliberation import DeliberationScreen

        self.push_screen(DeliberationScreen(launch.session))


def _read_config(path: str | None) -> Config:
    """models.yaml loaded and checked (runs in a thread: the loader imports pydantic)."""
    from fiedler_tui.core.config.loader import load_config

    return load_config(path)
