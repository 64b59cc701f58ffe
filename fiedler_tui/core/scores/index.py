"""The runs index: a small sqlite3 database in the state dir (``runs-index.sqlite3``, 0600)
holding, per run folder, its stamp and the answers that count for the scoreboard.

It is never the source of truth: the run folders are. :meth:`RunIndex.sync` brings it up to
date with them (a folder new or changed since, by its modification time, is read again; one
gone is dropped), and the whole file is rebuilt from the folders when it is missing, corrupt,
or of another schema version (``PRAGMA user_version``). A run is indexed again when it ends and
when its ratings are saved (:func:`index_run_quietly`). One file serves every runs folder used
(rows are keyed by the folder's resolved path).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.scores.board import ModelScore, Period, RatedAnswer, scoreboard
from fiedler_tui.core.scores.runs_read import (
    RunScoreFacts,
    read_run_facts,
    run_folders,
    scan_answers,
)
from fiedler_tui.core.store.private_files import FILE_MODE, make_private_dir

log = logging.getLogger(__name__)

INDEX_NAME = "runs-index.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE runs (
    root TEXT NOT NULL,
    run_id TEXT NOT NULL,
    stamp TEXT NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (root, run_id)
);
CREATE TABLE answers (
    root TEXT NOT NULL,
    run_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    day TEXT NOT NULL,
    rating INTEGER,
    won INTEGER NOT NULL,
    cost_usd REAL,
    PRIMARY KEY (root, run_id, alias)
);
CREATE INDEX answers_day ON answers (root, day);
"""


def default_index_path() -> Path:
    return user_state_dir() / INDEX_NAME


class RunIndex:
    """The index of the runs under ``root``, in the database at ``path``."""

    def __init__(self, root: Path, path: Path | None = None) -> None:
        self.root = root
        self.path = path or default_index_path()
        self._key = str(root.resolve())
        self._db: sqlite3.Connection | None = None
        self.rebuilt = False
        """Whether opening it made the file anew (missing, corrupt, another schema version)."""

    # ---- opening ---------------------------------------------------------------------------

    def __enter__(self) -> RunIndex:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect, rebuilding the file when it is not a usable index of this version."""
        make_private_dir(self.path.parent)
        try:
            self._db = self._connect()
            if self._usable(self._db):
                return
            self._db.close()
        except sqlite3.DatabaseError as exc:
            log.warning(
                "runs index %s unreadable (%s): rebuilt from the run folders", self.path, exc
            )
            if self._db is not None:
                self._db.close()
        self._db = None
        self._remove_file()
        self._db = self._connect()
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self.rebuilt = True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():  # owner-only from the start (its journal takes its mode)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        return sqlite3.connect(self.path, timeout=5, isolation_level=None)

    @staticmethod
    def _usable(db: sqlite3.Connection) -> bool:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            return False
        check = db.execute("PRAGMA quick_check").fetchone()
        return bool(check and check[0] == "ok")

    def _remove_file(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the runs index is not open")
        return self._db

    # ---- keeping it up to date -------------------------------------------------------------

    def sync(self) -> int:
        """Read again each run folder new or changed since it was indexed, drop those gone;
        returns how many were read."""
        known = dict(self.db.execute("SELECT run_id, stamp FROM runs WHERE root = ?", (self._key,)))
        changed: list[RunScoreFacts] = []
        present: set[str] = set()
        for entry in run_folders(self.root):
            present.add(entry.name)
            stamp = str(entry.stat().st_mtime_ns)
            if known.get(entry.name) != stamp:
                changed.append(read_run_facts(Path(entry.path), stamp))
        gone = [run_id for run_id in known if run_id not in present]
        if changed or gone:
            with self._transaction():
                for run_id in gone:
                    self._forget(run_id)
                for facts in changed:
                    self._store(facts)
        return len(changed)

    def update_run(self, folder: Path) -> None:
        """Index one run folder again now (its run ended, or its ratings were saved)."""
        if not folder.is_dir():
            with self._transaction():
                self._forget(folder.name)
            return
        facts = read_run_facts(folder)
        with self._transaction():
            self._store(facts)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _forget(self, run_id: str) -> None:
        for table in ("runs", "answers"):
            self.db.execute(
                f"DELETE FROM {table} WHERE root = ? AND run_id = ?", (self._key, run_id)
            )

    def _store(self, facts: RunScoreFacts) -> None:
        self._forget(facts.run_id)
        self.db.execute(
            "INSERT INTO runs (root, run_id, stamp, problem) VALUES (?, ?, ?, ?)",
            (self._key, facts.run_id, facts.stamp, facts.problem),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO answers "
            "(root, run_id, alias, day, rating, won, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (self._key, a.run_id, a.alias, a.day, a.rating, int(a.won), a.cost_usd)
                for a in facts.answers
            ],
        )

    # ---- reading ---------------------------------------------------------------------------

    def answers(self) -> list[RatedAnswer]:
        rows = self.db.execute(
            "SELECT run_id, day, alias, rating, won, cost_usd FROM answers WHERE root = ?",
            (self._key,),
        )
        return [
            RatedAnswer(run_id, day, alias, rating, bool(won), cost)
            for run_id, day, alias, rating, won, cost in rows
        ]

    def problems(self) -> list[tuple[str, str]]:
        """(run id, why) of each rated run whose files could not be read."""
        rows = self.db.execute(
            "SELECT run_id, problem FROM runs WHERE root = ? AND problem != '' ORDER BY run_id",
            (self._key,),
        )
        return [(str(run_id), str(problem)) for run_id, problem in rows]


def load_scores(
    root: Path, period: Period | None = None, index_path: Path | None = None
) -> tuple[list[ModelScore], str]:
    """The scoreboard of the runs under ``root`` over ``period``, served by the index (brought
    up to date first); when the index cannot be used at all, read from the folders. The second
    value names, one line each, the rated runs left out (their files could not be read) or why
    the index was not used."""
    try:
        with RunIndex(root, index_path) as index:
            index.sync()
            notes = [f"run {run_id} left out: {why}" for run_id, why in index.problems()]
            return scoreboard(index.answers(), period or Period()), "\n".join(notes)
    except (sqlite3.Error, OSError) as exc:
        log.warning("runs index not usable (%s): scores read from the run folders", exc)
        return scoreboard(scan_answers(root), period or Period()), f"index not used: {exc}"


def index_run_quietly(folder: Path, index_path: Path | None = None) -> None:
    """Index one run folder again; a failure is only logged (the folders are the truth, and the
    next :meth:`RunIndex.sync` catches up). A follow-up's turn folder indexes its run."""
    from fiedler_tui.core.followup.layout import run_folder_of

    folder = run_folder_of(folder)
    try:
        with RunIndex(folder.parent, index_path) as index:
            index.update_run(folder)
    except (sqlite3.Error, OSError) as exc:
        log.warning("runs index not updated for %s: %s", folder.name, exc)
