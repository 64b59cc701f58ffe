"""Estimates that learn: per model, the ratio of reported input tokens to the dry run's estimate.

When a run ends, each model whose input was an ``estimate`` and that reported its input usage
adds one ratio, ``reported / uncalibrated estimate``, to ``calibration.json`` in the user state
dir (owner-only, replaced atomically; nothing is written with ``FIEDLER_NO_DISK=1``). It keeps
the last :data:`RECENT_RUNS` ratios per model, so a dry run reads one small file (and only again
when it changed) instead of every saved summary.

From :data:`MIN_RUNS` ratios on, a model's estimate is the uncalibrated estimate times their
median (robust to a few odd runs), shown as ``estimate, calibrated from N runs, ±x %`` where x is
the 80th percentile of the ratios' distances from the median (at least 1 %). With fewer runs
the model keeps its configured ``estimate_factor`` and ``estimate_band``.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

log = logging.getLogger(__name__)

FILE_NAME = "calibration.json"
MIN_RUNS = 3
RECENT_RUNS = 20
SPREAD_PERCENTILE = 0.8
MIN_SPREAD = 0.01
RATIO_LIMITS = (0.05, 50.0)
"""Ratios outside this range are not a tokenizer's error but a broken run: never recorded."""
MAX_FILE_BYTES = 4_000_000


@dataclass(frozen=True)
class Calibration:
    """A model's learned correction: multiply the uncalibrated estimate by ``factor``."""

    factor: float
    runs: int
    spread: float
    """Relative half-width of the band, e.g. 0.06 for ±6 %."""

    @property
    def label(self) -> str:
        return f"calibrated from {counted(self.runs, 'run')}, ±{self.spread * 100:.0f} %"

    def apply(self, estimate: int) -> tuple[int, tuple[int, int]]:
        """The calibrated estimate and its band."""
        point = math.ceil(estimate * self.factor)
        low = math.floor(point * (1 - self.spread))
        return point, (max(low, 0), math.ceil(point * (1 + self.spread)))


def calibrate(ratios: Sequence[float]) -> Calibration | None:
    """The correction learned from ``ratios`` (oldest first), or None with too few of them."""
    recent = list(ratios[-RECENT_RUNS:])
    if len(recent) < MIN_RUNS:
        return None
    median = statistics.median(recent)
    distances = sorted(abs(r / median - 1) for r in recent)
    rank = max(0, math.ceil(SPREAD_PERCENTILE * len(distances)) - 1)
    return Calibration(median, len(recent), max(distances[rank], MIN_SPREAD))


def calibration_path() -> Path:
    return user_state_dir() / FILE_NAME


class CalibrationIndex:
    """The ratios per model, loaded from and saved to ``path`` (None: memory only;
    ``read_only``: loaded, never saved). Thread-safe."""

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._ratios: dict[str, list[float]] = {}
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    @classmethod
    def default(cls, *, no_disk: bool = False) -> CalibrationIndex:
        return cls(calibration_path(), read_only=no_disk)

    def refresh(self) -> CalibrationIndex:
        """Read the file if it changed since the last read (one stat otherwise; blocking). A
        missing or unreadable file is an empty index, never an error."""
        if self.path is None:
            return self
        try:
            info = self.path.stat()
        except OSError:
            return self
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp == self._stamp:
            return self
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
        except (OSError, ValueError) as exc:
            log.warning("calibration not read from %s: %s", self.path, exc)
            return self
        with self._lock:
            self._ratios = _parse(data)
            self._stamp = stamp
        return self

    def ratios(self, model: str) -> list[float]:
        with self._lock:
            return list(self._ratios.get(model, ()))

    def calibration(self, model: str) -> Calibration | None:
        return calibrate(self.ratios(model))

    def record(self, model: str, reported: int, estimate: int) -> bool:
        """Add one run's ratio (in memory); False when the pair says nothing about the
        tokenizer (no estimate, nothing reported, an absurd ratio)."""
        if estimate <= 0 or reported <= 0:
            return False
        ratio = reported / estimate
        if not RATIO_LIMITS[0] <= ratio <= RATIO_LIMITS[1]:
            return False
        with self._lock:
            kept = self._ratios.setdefault(model, [])
            kept.append(round(ratio, 6))
            del kept[:-RECENT_RUNS]
        return True

    def save(self) -> None:
        """Merge into the file (re-read first: another process may have added runs) and write
        it atomically, owner-only. A failure is logged: learning never fails a run."""
        if self.path is None or self.read_only:
            return
        with self._lock:
            mine = {name: list(values) for name, values in self._ratios.items()}
        try:
            on_disk = _parse(json.loads(self.path.read_bytes()[:MAX_FILE_BYTES]))
        except (OSError, ValueError):
            on_disk = {}
        for name, values in on_disk.items():
            if name not in mine:
                mine[name] = values
        data = {"version": 1, "models": mine}
        try:
            make_private_dir(self.path.parent)
            atomic_write_json(self.path, data)
        except OSError as exc:
            log.warning("calibration not saved to %s: %s", self.path, exc)


def _parse(data: Any) -> dict[str, list[float]]:
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        return {}
    out: dict[str, list[float]] = {}
    for name, values in models.items():
        if isinstance(name, str) and isinstance(values, list):
            kept = [
                float(v)
                for v in values
                if isinstance(v, int | float)
                and not isinstance(v, bool)
                and RATIO_LIMITS[0] <= v <= RATIO_LIMITS[1]
            ]
            out[name] = kept[-RECENT_RUNS:]
    return out
