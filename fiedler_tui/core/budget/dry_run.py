"""The dry run: select files, scan for secrets, build the package, count, budget, cost.

:class:`DryRunEngine` keeps the read cache and the token counter between runs, so the TUI can
call :meth:`DryRunEngine.run` on every toggle and only changed or newly selected files are read,
scanned and counted again.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import os
import threading
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from fiedler_tui.core.budget.blockers import (
    Blocker,
    BlockerKind,
    empty_package_blocker,
    key_blockers,
    path_blockers,
    rate_limit_blockers,
    request_blockers,
)
from fiedler_tui.core.budget.early_work import EarlyWork, ReadNotices
from fiedler_tui.core.budget.egress_split import egress_blockers, split_package
from fiedler_tui.core.budget.model_budget import (
    LARGEST_FILES_SHOWN,
    BudgetStatus,
    FileTokens,
    ModelBudget,
    budget_status,
)
from fiedler_tui.core.budget.result import DryRunResult, EncodingReport, FileReport
from fiedler_tui.core.config.prices import prices_for, worst_case_cost
from fiedler_tui.core.config.reasoning import (
    ReasoningChoice,
    choice_problems,
    settings_for,
    unused_choice,
)
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.policy import EgressPolicy
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.files.selection import Selection, select_files
from fiedler_tui.core.files.skips import SkipCode, SkippedPath
from fiedler_tui.core.package.preview import PackageBlock, Preview, build_preview, make_block
from fiedler_tui.core.plural import counted
from fiedler_tui.core.ratelimits.preflight import TokenLimit
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT, Turn, question_part
from fiedler_tui.core.secrets.mask import mask_text
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.secrets.scan import SecretFinding, scan_text
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens.calibration import CalibrationIndex
from fiedler_tui.core.tokens.count_store import CountStore, block_identity
from fiedler_tui.core.tokens.counter import TokenCounter
from fiedler_tui.core.tokens.encodings import encoding_status, load_encoding
from fiedler_tui.core.tokens.methods import (
    TOKENS_PER_MESSAGE,
    ApiTokenCounter,
    CountMethod,
    CountPlan,
    encoding_of,
    message_overhead,
    plan_for,
)

MAX_REMEMBERED_FINDINGS = 100_000
FAR_OFF_NOTE = "no tokenizer, no band and no runs to learn from: the figure may be far off"
PROMPT_CACHE_MIN_CHARS = 10_000
SECRETS_NAMED = 5
"""How many findings a refusal names (file:line and kind; never the value)."""
_PATH_KINDS = frozenset({BlockerKind.PATH_REFUSED, BlockerKind.UNPACKABLE})
"""Blockers that already say why a package from named paths is empty."""


@dataclass(frozen=True)
class DryRunOptions:
    """What to send besides the files, and how to treat findings."""

    prompt: str = ""
    system: str = DEFAULT_SYSTEM_PROMPT
    max_completion_tokens: int | None = None
    """Overrides every model's reserved completion when set."""
    secret_policy: SecretPolicy = SecretPolicy.REFUSE
    filters: Filters = field(default_factory=Filters)
    cwd: str | None = None
    """Folder relative paths are resolved against (default: the process's)."""
    key_status: Mapping[str, str] | None = None
    """Provider name -> where its key comes from (``keyring``, ``env``, ``missing``, ``not
    needed``: ``KeySource`` values). A model whose provider's key is missing blocks the send;
    None leaves keys unjudged (the sender checks the keys it holds)."""
    rate_limits: Mapping[str, Sequence[TokenLimit]] | None = None
    """Provider name -> its tokens-per-minute limits (``core.ratelimits.token_limits``:
    configured, else learned). A model whose one request exceeds one blocks the send; None
    leaves rate limits unjudged."""
    egress: EgressPolicy | None = None
    """The egress rules (``core.egress.guard.policy_of``): a model that may not receive a file
    of the package is refused, or gets a reduced package (``egress_reduce``); None: unjudged
    (the sender judges them anyway)."""
    egress_reduce: frozenset[str] = frozenset()
    """Model names that get a package without the files their rules forbid, instead of a
    refusal; each is budgeted on its own package."""
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    """Overrides of each model's reasoning effort and thinking budget (where it takes them);
    one it cannot take blocks the send."""
    from_folders: frozenset[str] = frozenset()
    """Resolved paths among those given that stand for files of a folder the user selected:
    skipped with a reason when they cannot be packaged, never a refusal."""
    continued: Mapping[str, tuple[Turn, ...]] = field(default_factory=dict)
    """Model name -> the turns its request carries after the first user turn (a follow-up: its
    own earlier answers and the questions, ending with the new question), counted in that
    model's input and cost. The count endpoints are not asked for such a model."""


@dataclass(frozen=True)
class _FileWork:
    """One file after the secret scan and counting (internal)."""

    file: SelectedFile
    findings: tuple[SecretFinding, ...]
    block: PackageBlock | None
    """None when the file is left out (secret policy ``exclude``)."""
    tokens: dict[str, int]
    report: FileReport | None


class DryRunEngine:
    """Reusable dry-run machinery; thread-safe for one run at a time per engine."""

    def __init__(
        self,
        settings: Settings,
        counter: TokenCounter | None = None,
        api_counter: ApiTokenCounter | None = None,
        calibration: CalibrationIndex | None = None,
    ) -> None:
        """``calibration``: the learned corrections of estimates (default: the user's index,
        re-read at each run only when it changed)."""
        self.settings = settings
        self.calibration = (
            calibration
            if calibration is not None
            else CalibrationIndex.default(no_disk=settings.no_disk)
        )
        self.counter = (
            counter
            if counter is not None
            else TokenCounter(settings, store=CountStore.default(settings.no_disk))
        )
        self._owns_counter = counter is None
        self.api_counter = api_counter
        self.files = ReadNotices()
        self._findings: dict[tuple[str, str, str], tuple[SecretFinding, ...]] = {}
        self._work: dict[tuple[object, ...], _FileWork] = {}
        self._filters: dict[tuple[tuple[str, ...], tuple[str, ...]], Filters] = {}
        self._run_lock = threading.Lock()
        self._background: ThreadPoolExecutor | None = None

    def __enter__(self) -> DryRunEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=True, cancel_futures=True)
        if self._owns_counter:
            self.counter.close()

    def submit(
        self,
        paths: Sequence[str | os.PathLike[str]],
        models: Sequence[ModelSpec],
        options: DryRunOptions | None = None,
    ) -> Future[DryRunResult]:
        """:meth:`run` on a background thread (for callers that must not block)."""
        if self._background is None:
            self._background = ThreadPoolExecutor(1, thread_name_prefix="fiedler-dry-run")
        return self._background.submit(self.run, paths, models, options)

    def run(
        self,
        paths: Iterable[str | os.PathLike[str]],
        models: Sequence[ModelSpec],
        options: DryRunOptions | None = None,
    ) -> DryRunResult:
        """Scan ``paths`` and budget the package for each of ``models``."""
        opts = options or DryRunOptions()
        with self._run_lock:
            return self._run(list(paths), models, opts)

    def _run(
        self, paths: list[str | os.PathLike[str]], models: Sequence[ModelSpec], opts: DryRunOptions
    ) -> DryRunResult:
        started = time.perf_counter()
        filters = self._filters.setdefault(
            (opts.filters.include, opts.filters.exclude), opts.filters
        )  # one instance per glob set keeps its memo of decisions across runs
        self.counter.preload(encoding_of(m) for m in models)  # loads while the files are read
        encodings = sorted({encoding_of(m) for m in models})
        early = self._early_work(encodings, opts.secret_policy)
        try:
            selection = select_files(
                paths, self.settings, filters, self.files, opts.cwd, opts.from_folders
            )
        finally:
            self.files.listener = None
        scanned = time.perf_counter()
        for name in encodings:  # load before the pool starts so loading happens once
            self.counter.tokenizer(name)
        work = self._all_file_work(selection.files, encodings, opts.secret_policy, early)
        self.counter.save()  # the new exact counts, for the next process
        counted = time.perf_counter()
        blocks = [w.block for w in work if w.block is not None]
        preview = build_preview(blocks)
        raw_totals = {
            name: self._raw_total(name, opts, preview.preamble, work) for name in encodings
        }
        packaged = [w.file for w in work if w.block is not None]
        split = split_package(opts.egress, models, packaged, opts.egress_reduce)
        own = {  # a reduced package, its raw counts and its files, per model given one
            name: self._reduced(split.left_out(name), work, encodings, opts)
            for name in split.reduced
        }
        self.calibration.refresh()
        api_counts: Mapping[str, int | str] = {}
        if self.api_counter is not None:
            asked = [  # a count request carries the package: none for a model refused files
                m
                for m in models
                if m.name not in opts.continued
                and m.name not in split.withheld
                and self.api_counter.wants(m)
            ]
            if asked:  # the request joins the whole package text: only when it is counted
                request = preview.request(opts.prompt, opts.system, opts.max_completion_tokens)
                api_counts = self.api_counter.count_many(asked, request)
        budgets = tuple(
            self._budget(
                m, *own.get(m.name, (preview, raw_totals, work)), opts, api_counts.get(m.name)
            )
            for m in models
        )
        skipped = list(selection.skipped)
        findings: list[SecretFinding] = []
        for w in work:
            findings.extend(w.findings)
            if w.block is None:
                reason = f"{len(w.findings)} likely secret(s); excluded by the secret policy"
                skipped.append(SkippedPath(w.file.path, SkipCode.SECRETS, reason, w.file.explicit))
        total_cost = sum(b.cost_usd_max for b in budgets)
        reports = tuple(w.report for w in work if w.report is not None)
        encoding_reports = tuple(self._encoding_report(name) for name in encodings)
        notices = tuple(n for n in (self.counter.notice(name) for name in encodings) if n)
        blockers = self._blockers(
            len(paths), models, opts, selection, preview, budgets, findings, total_cost
        ) + tuple(egress_blockers(split, {n: len(p.files) for n, (p, _, _) in own.items()}))
        finished = time.perf_counter()
        return DryRunResult(
            selection=selection,
            preview=preview,
            prompt=opts.prompt,
            system=opts.system,
            max_completion_tokens=opts.max_completion_tokens,
            files=reports,
            skipped=tuple(skipped),
            models=budgets,
            encodings=encoding_reports,
            findings=tuple(findings),
            secret_policy=opts.secret_policy,
            total_cost_usd_max=total_cost,
            cost_cap_usd=self.settings.max_cost_usd,
            blockers=blockers,
            notices=notices,
            reasoning=opts.reasoning,
            withheld=split.withheld,
            packages={name: package for name, (package, _, _) in own.items()},
            egress_rules=tuple(opts.egress.describe()) if opts.egress else (),
            timings={
                "scan_s": scanned - started,
                "count_s": counted - scanned,
                "total_s": finished - started,
            },
        )

    def _reduced(
        self,
        left_out: frozenset[str],
        work: list[_FileWork],
        encodings: Sequence[str],
        opts: DryRunOptions,
    ) -> tuple[Preview, dict[str, int], list[_FileWork]]:
        """A package without the ``left_out`` paths, its raw counts and its files."""
        kept = [w for w in work if w.block is not None and w.file.path not in left_out]
        package = build_preview([w.block for w in kept if w.block is not None])
        totals = {name: self._raw_total(name, opts, package.preamble, kept) for name in encodings}
        return package, totals, kept

    def _encoding_report(self, name: str) -> EncodingReport:
        loaded = load_encoding(name, self.settings)
        status = loaded.status if loaded is not None else encoding_status(name, self.settings)
        return EncodingReport(status, self.counter.tokenizer(name).exact)

    def _early_work(self, encodings: Sequence[str], policy: SecretPolicy) -> EarlyWork[_FileWork]:
        """Work on each file the selection takes as it is read (see ``early_work``), unless
        its work from an earlier run can be reused."""
        early = EarlyWork(
            self.counter.submit,
            lambda f: self._file_work(f, encodings, policy),
            lambda f: _work_key(f, encodings, policy) not in self._work,
        )
        self.files.listener = early.add
        return early

    def _all_file_work(
        self,
        files: Sequence[SelectedFile],
        encodings: Sequence[str],
        policy: SecretPolicy,
        early: EarlyWork[_FileWork] | None = None,
    ) -> list[_FileWork]:
        """Each file's work, reused when nothing about it changed, else started while the file
        was read (``early``); the rest done in the pool."""
        previous = self._work
        keys = [_work_key(f, encodings, policy) for f in files]
        started = early.results() if early is not None else {}
        found = [
            previous.get(key) or started.get(id(f)) for f, key in zip(files, keys, strict=True)
        ]
        missing = [f for f, w in zip(files, found, strict=True) if w is None]
        done = iter(
            self.counter.map(
                lambda f: self._file_work(f, encodings, policy), missing, lambda f: len(f.text)
            )
        )
        work = [w if w is not None else next(done) for w in found]
        self._work = dict(zip(keys, work, strict=True))
        if len(self._findings) > MAX_REMEMBERED_FINDINGS:
            self._findings.clear()
        return work

    def _file_work(
        self, file: SelectedFile, encodings: Sequence[str], policy: SecretPolicy
    ) -> _FileWork:
        """Secret scan (cached by content), the file's block, and its counts (cached by key)."""
        finding_key = (file.real, file.path, file.sha256)
        findings = self._findings.get(finding_key)
        if findings is None:
            findings = scan_text(file.text, file.path)
            self._findings[finding_key] = findings
        if findings and policy is SecretPolicy.EXCLUDE:
            return _FileWork(file, findings, None, {}, None)
        masking = bool(findings) and policy is SecretPolicy.MASK
        block = (
            make_block(file, mask_text(file.text, findings), len(findings))
            if masking
            else make_block(file)
        )
        tokens: dict[str, int] = {}
        identity = None if masking else block_identity(block.header, file.sha256)
        for name in encodings:
            key: Hashable = (file.real, file.size, file.mtime_ns, file.sha256, file.path, masking)
            cached = self.counter.cached(name, key)
            if cached is None:
                text = block.header + block.content + block.footer
                cached = self.counter.count(name, text, key, identity)
            tokens[name] = cached
        report = FileReport(
            file.path, file.size, file.lines, file.sha256, tokens, findings, block.masked
        )
        return _FileWork(file, findings, block, tokens, report)

    def _raw_total(
        self, encoding: str, opts: DryRunOptions, preamble: str, work: list[_FileWork]
    ) -> int:
        """Tokens of the system and user messages in ``encoding``, without message overhead.

        The user message is preamble + blocks + question part (see ``core.request`` and
        ``core.package.format``); each piece ends with a newline and the next starts with a
        letter, so the pieces' counts add up to the whole message's count.
        """
        total = self._count_text(encoding, opts.system)
        if not preamble:
            return total + self._count_text(encoding, opts.prompt)
        total += self._count_text(encoding, preamble)
        total += sum(w.tokens[encoding] for w in work if w.block is not None)
        return total + self._count_text(encoding, question_part(opts.prompt))

    def _count_text(self, encoding: str, text: str) -> int:
        """Count a prompt-like text, cached by its digest (a long prompt file is counted once)."""
        if len(text) < PROMPT_CACHE_MIN_CHARS:
            return self.counter.count(encoding, text)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest()
        return self.counter.count(encoding, text, ("text", len(text), digest))

    def _budget(
        self,
        model: ModelSpec,
        preview: Preview,
        raw_totals: dict[str, int],
        work: list[_FileWork],
        opts: DryRunOptions,
        api_count: int | str | None = None,
    ) -> ModelBudget:
        encoding = encoding_of(model)
        plan = plan_for(model, self.counter.tokenizer(encoding).exact)
        later = opts.continued.get(model.name, ())
        overhead = message_overhead(opts.system) + len(later) * TOKENS_PER_MESSAGE
        raw = raw_totals[encoding] + sum(self._count_text(encoding, t.text) for t in later)
        input_tokens = _scaled(raw, plan.factor) + overhead
        input_range = None
        if plan.band is not None:
            low, high = plan.band
            input_range = (_scaled(raw, low) + overhead, _scaled(raw, high) + overhead)
        method = plan.method
        basis = plan.basis
        fallback = calibrated = note = base = None
        if isinstance(api_count, int):
            input_tokens, input_range = api_count, None
            method, basis = CountMethod.API, "the provider's count endpoint"
        elif method is CountMethod.ESTIMATE:
            fallback = api_count if isinstance(api_count, str) else None
            base = input_tokens
            learned = self.calibration.calibration(model.name)
            if learned is not None:
                input_tokens, input_range = learned.apply(base)
                calibrated = learned.label
                basis = f"{basis}, × {learned.factor:.3g} {learned.label}"
            elif model.tokenizer is None and model.estimate_band is None:
                note = FAR_OFF_NOTE
        reserve = opts.max_completion_tokens or model.max_completion_tokens
        total = input_tokens + reserve
        status = budget_status(total, model.context_window)
        largest: tuple[FileTokens, ...] = ()
        if status is BudgetStatus.OVER:
            largest = _largest_files(work, encoding, plan)
        reasoning = settings_for(model, opts.reasoning)
        return ModelBudget(
            alias=model.name,
            provider=model.provider,
            model=model.wire_id,
            count_method=method,
            encoding=encoding,
            basis=basis,
            input_tokens=input_tokens,
            input_range=input_range,
            completion_reserve=reserve,
            context_window=model.context_window,
            status=status,
            tokens_to_remove=max(0, total - model.context_window),
            cost_usd_max=worst_case_cost(model, input_tokens, reserve),
            largest_files=largest,
            key=None if opts.key_status is None else opts.key_status.get(model.provider),
            count_fallback=fallback,
            calibration=calibrated,
            estimate_base=base,
            count_note=note,
            thinking_budget=reasoning.thinking_budget or None,
            reasoning_effort=reasoning.effort,
            price_tier=prices_for(model, input_tokens).above_input_tokens,
            model_max_completion=model.max_completion_tokens,
        )

    def _blockers(
        self,
        named_paths: int,
        models: Sequence[ModelSpec],
        opts: DryRunOptions,
        selection: Selection,
        preview: Preview,
        budgets: Sequence[ModelBudget],
        findings: Sequence[SecretFinding],
        total_cost: float,
    ) -> tuple[Blocker, ...]:
        """Every reason not to send, in the order a user would fix them."""
        blockers = request_blockers(opts.prompt, len(models))
        blockers.extend(path_blockers(selection.refused, selection.unpackable))
        if selection.crossing is not None:
            blockers.append(Blocker(BlockerKind.LIMIT, selection.crossing.message()))
        elif not preview.files and not any(b.kind in _PATH_KINDS for b in blockers):
            blockers.append(empty_package_blocker(named_paths))
        if opts.key_status is not None:
            blockers.extend(key_blockers([(m.name, m.provider) for m in models], opts.key_status))
        for b in budgets:
            if not b.fits:
                files = ", ".join(f"{display_name(f.path)} ({f.tokens:,})" for f in b.largest_files)
                removed = counted(b.tokens_to_remove, "token")
                advice = f"remove {removed} (largest files: {files or 'none'})"
                if b.reserve_advice is not None:
                    advice = f"{b.reserve_advice}, or {advice}"
                blockers.append(
                    Blocker(
                        BlockerKind.OVER_BUDGET,
                        f"{b.alias} is over budget: {b.input_tokens:,} input + "
                        f"{b.completion_reserve:,} reserved > {b.context_window:,} window; "
                        + advice,
                    )
                )
        for model, budget in zip(models, budgets, strict=True):
            for problem in choice_problems(model, opts.reasoning, budget.completion_reserve):
                blockers.append(Blocker(BlockerKind.REASONING, problem))
        for problem in unused_choice(list(models), opts.reasoning):
            blockers.append(Blocker(BlockerKind.REASONING, problem))
        if opts.rate_limits:
            blockers.extend(rate_limit_blockers(budgets, opts.rate_limits))
        cap = self.settings.max_cost_usd
        if cap is not None and total_cost > cap:
            blockers.append(
                Blocker(
                    BlockerKind.COST_CAP,
                    f"worst-case cost ${total_cost:.4f} is above FIEDLER_MAX_COST_USD={cap:g}",
                )
            )
        if findings and opts.secret_policy is SecretPolicy.REFUSE:
            shown = ", ".join(
                f"{display_name(f.path)}:{f.line} ({f.kind})" for f in findings[:SECRETS_NAMED]
            )
            more = (
                f" and {len(findings) - SECRETS_NAMED} more"
                if len(findings) > SECRETS_NAMED
                else ""
            )
            blockers.append(
                Blocker(
                    BlockerKind.SECRETS,
                    f"{len(findings)} likely secret(s) found: {shown}{more}; exclude the files, "
                    "mask the values (--mask-secrets) or send anyway (--allow-secrets)",
                )
            )
        return tuple(blockers)


def _work_key(
    file: SelectedFile, encodings: Sequence[str], policy: SecretPolicy
) -> tuple[object, ...]:
    """What a file's work depends on: reused across runs while it is the same."""
    return (
        file.real,
        file.path,
        file.size,
        file.mtime_ns,
        file.sha256,
        file.explicit,
        policy,
        tuple(encodings),
    )


def _scaled(raw: int, factor: float) -> int:
    return raw if factor == 1.0 else math.ceil(raw * factor)


def _largest_files(
    work: Sequence[_FileWork], encoding: str, plan: CountPlan
) -> tuple[FileTokens, ...]:
    top = heapq.nsmallest(
        LARGEST_FILES_SHOWN,
        ((-w.tokens[encoding], w.file.path) for w in work if w.block is not None),
    )
    return tuple(FileTokens(path, _scaled(-tokens, plan.factor)) for tokens, path in top)
