"""The tools behind ``fiedler mcp``: the CLI's dry run and send, driven by tool arguments.

Blocking work (scanning files, counting tokens, reading the keyring, reading runs) runs in a
thread so the server keeps answering while it happens. Every refusal is a :class:`ToolRefusal`
raised before anything is sent. The engine (models.yaml, dry run, runner, store) is imported
and loaded by :meth:`FiedlerTools.warm_up`, which the server starts in a thread once it is
serving, so a host's handshake does not wait for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.mcp_tools.arguments import CrosstalkChoices, ToolArguments
from fiedler_tui.core.mcp_tools.crosstalk_choices import deliberation_choices, resumable
from fiedler_tui.core.mcp_tools.crosstalk_result import (
    RESULT_NAME,
    DeliberationResult,
    SavedRunResult,
    deliberation_result,
)
from fiedler_tui.core.mcp_tools.model_list import ModelList, model_list
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal
from fiedler_tui.core.mcp_tools.results import INLINE_CHARS, RunResult, run_result
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_summary import RunSummary

if TYPE_CHECKING:  # imported by warm_up (or the first call that needs them)
    from fiedler_tui.core.budget import Blocker, DryRunEngine, DryRunResult
    from fiedler_tui.core.config.schema import Config, ModelSpec
    from fiedler_tui.core.crosstalk.events import CrosstalkEvent
    from fiedler_tui.core.crosstalk.session import DeliberationSession
    from fiedler_tui.core.keys import KeyStore, ResolvedKey
    from fiedler_tui.core.runner import RunEvent
    from fiedler_tui.core.send import SendSession
    from fiedler_tui.core.store.run_store import RunInfo, RunStore
    from fiedler_tui.core.store.summary import ModelRecord
    from fiedler_tui.core.tokens.api_count import ProviderCounter
    from fiedler_tui.core.user_defaults import SavedDefaults

log = logging.getLogger(__name__)
E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)

ROOTS_UNSET = (
    "reading files is refused: FIEDLER_ALLOWED_FILE_ROOTS is not set for the MCP server. Set it "
    "to the folders files may be read from (separated by ':') in the server's environment, e.g. "
    "`claude mcp add fiedler -e FIEDLER_ALLOWED_FILE_ROOTS=/path/to/project -- fiedler mcp`; "
    "a prompt without files can still be sent"
)
OUTPUT_READ_MAX_BYTES = 50_000_000


class Sources(Protocol):
    """Where the tools get models.yaml and keys (the command's context provides them)."""

    @property
    def config(self) -> Config: ...

    @property
    def keystore(self) -> KeyStore: ...

    def resolve_keys(self) -> dict[str, ResolvedKey]: ...


DEMO_DEFAULTS_NOTE = "(the demo: kept while this server runs, not written to defaults.json)"


@dataclass(frozen=True)
class McpOptions:
    roots_set: bool
    """FIEDLER_ALLOWED_FILE_ROOTS was set explicitly; without it no file is read."""
    allow_secrets: bool = False
    """FIEDLER_MCP_ALLOW_SECRETS=1: ``secrets='allow'`` is accepted."""
    inline_chars: int = INLINE_CHARS
    output_dir_from_env: bool = False
    """FIEDLER_OUTPUT_DIR (or settings.toml's output_dir) is set for the server: it wins over a
    folder saved with set_output."""
    defaults_in_memory: bool = False
    """The demo: defaults set through the tools last while the server runs and never reach the
    user's ``defaults.json`` (the demo's model names would replace the user's saved ones)."""


def _refusal(exc: FiedlerError, code: str) -> ToolRefusal:
    lines = exc.lines()
    return ToolRefusal(code, lines[0] if len(lines) == 1 else exc.title, lines)


class FiedlerTools:
    def __init__(self, settings: Settings, sources: Sources, options: McpOptions) -> None:
        self.settings = settings
        self.sources = sources
        self.options = options
        self._store: RunStore | None = None
        self._engine: DryRunEngine | None = None
        self._counter: ProviderCounter | None = None
        """Asks count endpoints in dry runs: local servers and providers with ``count: api``."""
        self._lock = threading.Lock()
        """Held while models.yaml and the engine are loaded (warm-up and calls may race)."""
        self._config_override: Config | None = None
        """models.yaml with the default models set by :meth:`set_models` since the start."""
        self._defaults_held: SavedDefaults | None = None
        """With ``defaults_in_memory``: the defaults the tools set, in place of the file."""

    def warm_up(self) -> None:
        """Import the engine and load models.yaml and the dry-run engine; a problem is left
        for the first call that needs them to report."""
        try:
            self._config()
            self.engine()
        except Exception as exc:  # reported by the calls themselves
            log.info("warm-up: %s", exc)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        if self._counter is not None:
            self._counter.close()

    @property
    def store(self) -> RunStore:
        if self._store is None:
            from fiedler_tui.core.store.run_store import RunStore

            self._store = RunStore(self.settings.output_dir, no_disk=self.settings.no_disk)
        return self._store

    def engine(self) -> DryRunEngine:
        with self._lock:
            if self._engine is None:
                from fiedler_tui.core.budget import DryRunEngine

                self._engine = DryRunEngine(self.settings)
            return self._engine

    def _count_api(self, config: Config, keys: dict[str, str | None]) -> ProviderCounter:
        """The counter for this call's config and keys (one per server: its cache is kept)."""
        from fiedler_tui.core.tokens.api_count import ProviderCounter

        with self._lock:
            if self._counter is None:
                self._counter = ProviderCounter(config, keys)
            self._counter.config = config
            self._counter.keys = keys
            return self._counter

    def _config(self) -> Config:
        try:
            with self._lock:
                if self._config_override is not None:
                    return self._config_override
                return self.sources.config
        except FiedlerError as exc:
            raise _refusal(exc, "config") from None

    def _models(self, names: tuple[str, ...]) -> list[ModelSpec]:
        config = self._config()
        names = tuple(_expand_sets(names))
        if not names:
            models = config.default_models()
            if not models:
                raise ToolRefusal(
                    "no-model", "no model is marked default in models.yaml; name one in models"
                )
            return models
        chosen: list[ModelSpec] = []
        unknown: list[str] = []
        for name in names:
            try:
                model = config.resolve(name)
            except KeyError as exc:
                unknown.append(str(exc.args[0]))
                continue
            if model not in chosen:
                chosen.append(model)
        if unknown:
            raise ToolRefusal("unknown-model", "unknown model name", unknown)
        return chosen

    def _build(self, args: ToolArguments) -> tuple[DryRunResult, dict[str, ResolvedKey]]:
        """The dry run for these arguments, judged as the CLI judges it, plus MCP's rules."""
        from fiedler_tui.core.budget import Blocker, BlockerKind, DryRunOptions
        from fiedler_tui.core.egress.guard import policy_of
        from fiedler_tui.core.files.names import display_name
        from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits
        from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT

        args.check()
        policy = args.policy(self.options.allow_secrets)
        if args.files and not self.options.roots_set:
            raise ToolRefusal("roots-unset", ROOTS_UNSET)
        models = self._models(args.models)
        keys = self.sources.resolve_keys()
        reduce = frozenset(m.name for m in models) if args.egress == "reduce" else frozenset()
        options = DryRunOptions(
            egress=policy_of(self._config(), self.settings),
            egress_reduce=reduce,
            prompt=args.prompt,
            system=DEFAULT_SYSTEM_PROMPT if args.system is None else args.system,
            max_completion_tokens=args.max_completion_tokens,
            reasoning=args.reasoning(),
            secret_policy=policy,
            key_status={name: str(key.source) for name, key in keys.items()},
            rate_limits=token_limits(
                self._config(),
                {name: key.value for name, key in keys.items()},
                LearnedLimitsStore.default(no_disk=self.settings.no_disk),
            ),
        )
        engine = self.engine()
        engine.api_counter = self._count_api(
            self._config(), {name: key.value for name, key in keys.items()}
        )
        result = engine.run(list(args.files), models, options)
        refused = result.selection.refused
        if refused:
            raise ToolRefusal(
                "path-refused",
                "a path given in files cannot be read",
                [f"{display_name(s.path)}: {s.reason}" for s in refused],
            )
        blockers = list(result.blockers)
        if not args.files:  # a prompt on its own is a valid send in MCP mode
            blockers = [b for b in blockers if b.kind is not BlockerKind.EMPTY_PACKAGE]
        cap = args.max_cost_usd
        if cap is not None and result.total_cost_usd_max > cap:
            blockers.append(
                Blocker(
                    BlockerKind.COST_CAP,
                    f"worst-case cost ${result.total_cost_usd_max:.4f} is above "
                    f"max_cost_usd={cap:g}",
                )
            )
        return dataclasses.replace(result, blockers=tuple(blockers)), keys

    # fiedler_dry_run

    async def dry_run(self, args: ToolArguments) -> dict[str, Any]:
        result, _ = await asyncio.to_thread(self._build, args)
        data = result.to_json()
        data["prompt_only"] = not args.files
        return data

    # fiedler_send

    async def prepare_send(self, args: ToolArguments) -> SendSession:
        """Every check before sending (ToolRefusal when one fails); nothing is sent yet."""
        return await asyncio.to_thread(self._prepare_send, args)

    def _prepare_send(self, args: ToolArguments) -> SendSession:
        from fiedler_tui.core.budget import BlockerKind
        from fiedler_tui.core.send import SendSession

        result, resolved = self._build(args)
        if any(b.kind is BlockerKind.EGRESS for b in result.blockers):
            raise ToolRefusal(
                "egress",
                "nothing was sent: the egress rules forbid files of the package to a model "
                "(egress='reduce' sends it a package without them)",
                [_blocker_line(b, resolved) for b in result.blockers],
            )
        _refuse_blockers(result.blockers, resolved, "send")
        if self.settings.retention_days:
            self.store.prune(self.settings.retention_days)
        session = SendSession(
            config=self._config(),
            settings=self.settings,
            keys={name: key.value for name, key in resolved.items()},
            result=result,
            aliases=[m.alias for m in result.models],
            store=self.store,
        )
        _preflight(session)
        return session

    async def run_session(
        self, session: SendSession, on_event: Callable[[RunEvent], None]
    ) -> RunResult:
        """Run a prepared session to its end (cancelling it cancels every model; what was
        received is kept and the run saved as cancelled)."""
        await _run_to_end(session, on_event)
        return self.session_result(session)

    def session_result(self, session: SendSession) -> RunResult:
        texts = {alias: session.text(alias) for alias in session.aliases}
        return run_result(
            RunSummary.from_json(session.summary()),
            session.run_id,
            session.run_path,
            texts,
            self.options.inline_chars,
        )

    # fiedler_crosstalk

    async def prepare_crosstalk(
        self, args: ToolArguments, choices: CrosstalkChoices
    ) -> DeliberationSession:
        """Every check before deliberating (ToolRefusal when one fails); nothing is sent yet."""
        return await asyncio.to_thread(self._prepare_crosstalk, args, choices)

    def _prepare_crosstalk(
        self, args: ToolArguments, choices: CrosstalkChoices
    ) -> DeliberationSession:
        from fiedler_tui.core.budget import BlockerKind
        from fiedler_tui.core.crosstalk.prompts import BUILTIN_ROLES
        from fiedler_tui.core.crosstalk.session import DeliberationSession

        args.check()
        saved = resumable(self._find(choices.resume)) if choices.resume else None
        members = _expand_sets(args.models)
        if not members and saved is None:
            members = [m.name for m in self._models(())]
        chosen = deliberation_choices(args, choices, members, saved)
        files = [p for p in chosen.personas.values() if p.strip().lower() not in BUILTIN_ROLES]
        if files and not self.options.roots_set:
            raise ToolRefusal("roots-unset", ROOTS_UNSET, [f"persona file: {f}" for f in files])
        # The cap is judged on the whole deliberation by its budget, round by round.
        dry = dataclasses.replace(
            args,
            models=tuple(chosen.models),
            max_cost_usd=None,
            max_completion_tokens=chosen.max_completion_tokens,
        )
        result, resolved = self._build(dry)
        blockers = [b for b in result.blockers if b.kind is not BlockerKind.COST_CAP]
        _refuse_blockers(blockers, resolved, "deliberation")
        caps = [c for c in (args.max_cost_usd, self.settings.max_cost_usd) if c is not None]
        session = DeliberationSession(
            config=self._config(),
            settings=self.settings.replace(max_cost_usd=None),
            keys={name: key.value for name, key in resolved.items()},
            result=dataclasses.replace(result, blockers=tuple(blockers)),
            choices=chosen,
            cost_cap_usd=min(caps) if caps else None,
            saved=saved,
            store=self.store,
        )
        try:
            session.prepare()
        except FiedlerError as exc:
            raise _refusal(exc, "bad-argument") from None
        _preflight(session)
        return session

    async def run_deliberation(
        self, session: DeliberationSession, on_event: Callable[[CrosstalkEvent], None]
    ) -> DeliberationResult:
        """Run a prepared deliberation to its end (cancelling it cancels every turn; what
        arrived is kept and the run saved as cancelled)."""
        await _run_to_end(session, on_event)
        return self.deliberation_result(session)

    def deliberation_result(self, session: DeliberationSession) -> DeliberationResult:
        if session.recorder is None:
            return DeliberationResult(run_id=None, status=session.status, rounds=[])
        return deliberation_result(
            RunSummary.from_json(session.summary()),
            session.run_id,
            session.run_path,
            self.options.inline_chars,
        )

    # fiedler_list_models, fiedler_get_config, fiedler_list_keys

    async def list_models(self) -> ModelList:
        return await asyncio.to_thread(self._list_models)

    def _list_models(self) -> ModelList:
        return model_list(self._config(), self.sources.resolve_keys())

    async def get_config(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._get_config)

    def _get_config(self) -> dict[str, Any]:
        from fiedler_tui.core.egress.guard import policy_of

        config = self._config()
        s = self.settings
        roots = [str(r) for r in s.allowed_roots] if self.options.roots_set else []
        return {
            "config": config.source,
            "default_models": [m.name for m in config.default_models()],
            "allowed_file_roots": roots,
            "files_readable": self.options.roots_set,
            "files_note": None if self.options.roots_set else ROOTS_UNSET,
            "output_dir": None if s.no_disk else str(s.output_dir),
            "max_cost_usd": s.max_cost_usd,
            "limits": {
                "max_package_bytes": s.max_package_bytes,
                "max_file_bytes": s.max_file_bytes,
                "max_file_count": s.max_file_count,
                "max_lines": s.max_lines,
            },
            "secrets_allow_permitted": self.options.allow_secrets,
            "inline_chars": self.options.inline_chars,
            "save_prompt": s.save_prompt,
            "saved_defaults": self._saved_defaults(),
            "model_sets": _model_sets(),
            "egress_rules": policy_of(config, s).describe(),
        }

    async def list_keys(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._list_keys)

    def _list_keys(self) -> dict[str, Any]:
        self._config()
        resolved = self.sources.resolve_keys()
        status = self.sources.keystore.backend_status()
        return {
            "keyring": {"name": status.name, "usable": status.usable, "secure": status.secure},
            "providers": [
                {
                    "provider": r.provider,
                    "source": str(r.source),
                    "origin": r.origin,
                    "problem": r.help or None,
                }
                for r in resolved.values()
            ],
        }

    # fiedler_set_key, fiedler_delete_key (only with FIEDLER_MCP_KEY_TOOLS=1)

    async def set_key(self, provider: str, value: str) -> dict[str, Any]:
        from fiedler_tui.core.mcp_tools.key_tools import set_key

        config = await asyncio.to_thread(self._config)
        return await asyncio.to_thread(set_key, config, self.sources.keystore, provider, value)

    async def delete_key(self, provider: str) -> dict[str, Any]:
        from fiedler_tui.core.mcp_tools.key_tools import delete_key

        config = await asyncio.to_thread(self._config)
        return await asyncio.to_thread(delete_key, config, self.sources.keystore, provider)

    # fiedler_set_models, fiedler_set_output

    async def set_models(self, names: list[str]) -> dict[str, Any]:
        return await asyncio.to_thread(self._set_models, names)

    def _set_models(self, names: list[str]) -> dict[str, Any]:
        from fiedler_tui.core.user_defaults import apply_saved_models

        self._config()  # a broken models.yaml is refused (code config)
        chosen = [m.name for m in self._models(tuple(names))] if names else []
        # From models.yaml as loaded at the start, not this server's last choice: cleared, the
        # defaults are its own flags again (read afresh from a file; the demo's as built).
        with self._lock:
            loaded = self.sources.config
        saved = self._saved()
        saved.models = chosen
        path = self._save(saved)
        updated = apply_saved_models(loaded, saved) if chosen else _reloaded(loaded)
        with self._lock:
            self._config_override = updated
        return {
            "default_models": [m.name for m in updated.default_models()],
            "saved_in": path,
            "note": None
            if chosen
            else "saved default models cleared: models.yaml's default: flags apply again",
        }

    async def set_output(self, output_dir: str | None) -> dict[str, Any]:
        return await asyncio.to_thread(self._set_output, output_dir)

    def _set_output(self, output_dir: str | None) -> dict[str, Any]:

        saved = self._saved()
        target: Path | None = None
        if output_dir and output_dir.strip():
            target = Path(os.path.abspath(Path(output_dir.strip()).expanduser()))
            if target.exists() and not target.is_dir():
                raise ToolRefusal("bad-argument", f"{target} exists and is not a folder")
            try:
                target.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise ToolRefusal(
                    "bad-argument", f"cannot create {target}: {exc.strerror or exc}"
                ) from None
        saved.output_dir = str(target) if target is not None else None
        path = self._save(saved)
        note = None
        if self.options.output_dir_from_env:
            note = (
                "FIEDLER_OUTPUT_DIR (or output_dir in settings.toml) is set for this server and "
                "wins; the saved folder applies where it is not set"
            )
        else:  # the folder a start with this saved default would use, from now on
            folder = target if target is not None else Settings().output_dir
            self.settings = self.settings.replace(output_dir=folder)
            self._store = None
            if target is None:
                note = "saved folder cleared: runs go to the default folder"
        return {
            "output_dir": str(self.store.root),
            "saved_output_dir": saved.output_dir,
            "saved_in": path,
            "note": note,
        }

    def _saved(self) -> SavedDefaults:
        """The defaults as saved: the file's, or in the demo those set since the start."""
        from fiedler_tui.core.user_defaults import SavedDefaults

        if self.options.defaults_in_memory:
            held = self._defaults_held or SavedDefaults()
            return SavedDefaults(models=list(held.models), output_dir=held.output_dir)
        return SavedDefaults.load()

    def _save(self, saved: SavedDefaults) -> str:
        """Where ``saved`` was kept: the file's path, or a note in the demo."""
        if self.options.defaults_in_memory:
            self._defaults_held = saved
            return DEMO_DEFAULTS_NOTE
        try:
            path = saved.save()
        except OSError as exc:
            raise ToolRefusal(
                "not-saved", f"cannot save the defaults: {exc.strerror or exc}"
            ) from None
        return str(path)

    def _saved_defaults(self) -> dict[str, Any]:
        from fiedler_tui.core.user_defaults import defaults_path

        saved = self._saved()
        where = DEMO_DEFAULTS_NOTE if self.options.defaults_in_memory else str(defaults_path())
        return {"file": where, "models": saved.models, "output_dir": saved.output_dir}

    # fiedler_runs, fiedler_run, the output resource

    async def runs(self, limit: int) -> dict[str, Any]:
        return await asyncio.to_thread(self._runs, limit)

    def _runs(self, limit: int) -> dict[str, Any]:
        infos = self.store.list_runs()
        rows = []
        for info in infos[: max(limit, 0)]:
            run = info.run
            rows.append(
                {
                    "run_id": info.run_id,
                    "status": info.status,
                    "started_at": run.started_at,
                    "cost_usd": run.cost_usd,  # turn 1's
                    "total_cost_usd": run.total_cost_usd,  # with every follow-up turn's
                    "turns": 1 + len(run.turns),
                    "models": [{"model": m.alias, "status": m.status} for m in run.models],
                    "problem": info.problem or None,
                }
            )
        return {"output_dir": str(self.store.root), "total": len(infos), "runs": rows}

    async def run(self, run_id: str) -> SavedRunResult:
        return await asyncio.to_thread(self._run, run_id)

    def _find(self, run_id: str) -> RunInfo:
        from fiedler_tui.core.store.run_store import StoreError

        try:
            return self.store.find(run_id)
        except StoreError as exc:
            raise ToolRefusal("unknown-run", exc.message) from None

    def _run(self, run_id: str) -> SavedRunResult:
        info = self._find(run_id)
        run = info.run
        texts = {m.alias: _output_text(info, m) for m in run.models}
        result = run_result(run, info.run_id, info.path, texts, self.options.inline_chars)
        deliberation = None
        if run.is_deliberation:
            deliberation = deliberation_result(
                run, info.run_id, info.path, self.options.inline_chars
            )
        return SavedRunResult(
            **dict(result),
            total_cost_usd=run.total_cost_usd,
            turns=1 + len(run.turns),
            deliberation=deliberation,
        )

    async def output(self, run_id: str, model: str) -> str:
        return await asyncio.to_thread(self._output, run_id, model)

    def _output(self, run_id: str, model: str) -> str:
        info = self._find(run_id)
        run = info.run
        if model == RESULT_NAME and run.deliberation is not None:
            outcome = run.deliberation.result
            if outcome is not None and outcome.text is not None:
                return outcome.text
            raise ToolRefusal("no-result", f"deliberation {run_id} has no result")
        record = run.model(model)
        if record is not None:
            return _output_text(info, record)
        raise ToolRefusal("unknown-model", f"run {run_id} has no model {model!r}")


def _reloaded(config: Config) -> Config:
    """models.yaml read again from where ``config`` came from (its own default flags, now that
    no models are saved); ``config`` itself when it was not read from a file (the demo)."""
    from fiedler_tui.core.config.loader import PACKAGED_LABEL, load_config

    source = config.source
    if source != PACKAGED_LABEL and not Path(source).is_file():
        return config
    try:
        return load_config(None if source == PACKAGED_LABEL else source)
    except FiedlerError:
        return config


class _Session(Protocol[E_co]):
    """What a send and a deliberation share: checked before anything is sent, then run."""

    def preflight(self) -> None: ...

    async def __aenter__(self) -> object: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def events(self) -> AsyncIterator[E_co]: ...


def _refuse_blockers(
    blockers: Sequence[Blocker], keys: Mapping[str, ResolvedKey], what: str
) -> None:
    if blockers:
        raise ToolRefusal(
            "blocked",
            f"nothing was sent: the dry run refuses this {what}",
            [_blocker_line(b, keys) for b in blockers],
        )


def _preflight(session: _Session[Any]) -> None:
    """The session's own checks before anything is sent, as a ``blocked`` refusal."""
    try:
        session.preflight()
    except FiedlerError as exc:
        raise _refusal(exc, "blocked") from None


async def _run_to_end(session: _Session[E], on_event: Callable[[E], None]) -> None:
    """Enter the session and pass every event on; a run that could not start (its folder)
    is a ``not-started`` refusal, nothing having been sent."""
    try:
        async with session:
            async for event in session.events():
                on_event(event)
    except FiedlerError as exc:
        raise _refusal(exc, "not-started") from None


def _blocker_line(blocker: Blocker, keys: Mapping[str, ResolvedKey]) -> str:
    from fiedler_tui.core.budget import BlockerKind

    if blocker.kind is BlockerKind.MISSING_KEY and blocker.provider is not None:
        key = keys.get(blocker.provider)
        fix = key.fix if key is not None and key.fix else ""
        return f"{blocker.message}; {fix or f'run `fiedler keys set {blocker.provider}`'}"
    return blocker.message


def _output_text(info: RunInfo, model: ModelRecord) -> str:
    """A model's saved answer (its ``.partial`` file when it never ended); '' when none."""
    name = model.output_file
    candidates: list[Path] = []
    if name and Path(name).name == name:
        candidates.append(info.path / name)
    if model.alias:
        candidates.extend(p for p in info.partial_files if p.name.startswith(f"{model.alias}."))
    for path in candidates:
        try:
            with path.open("rb") as handle:
                data = handle.read(OUTPUT_READ_MAX_BYTES)
        except OSError:
            continue
        return data.decode("utf-8", errors="replace")
    return ""


def _model_sets() -> dict[str, list[str]]:
    """The saved model sets (``@NAME`` in ``models``), name -> models."""
    from fiedler_tui.core.model_sets import load_model_sets

    return load_model_sets()


def _expand_sets(names: Sequence[str]) -> list[str]:
    """``names`` with each ``@NAME`` replaced by its saved model set's models."""
    from fiedler_tui.core.model_sets import ModelSetError, expand_model_names

    try:
        return expand_model_names(names)
    except ModelSetError as exc:
        raise ToolRefusal("unknown-model-set", exc.message) from None
