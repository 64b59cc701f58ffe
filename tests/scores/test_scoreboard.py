"""Ratings files, the scoreboard's figures, and the sqlite runs index that serves them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from fiedler_tui.core.scores.board import ModelScore, Period
from fiedler_tui.core.scores.index import (
    INDEX_NAME,
    RunIndex,
    default_index_path,
    index_run_quietly,
    load_scores,
)
from fiedler_tui.core.scores.ratings import (
    RATINGS_NAME,
    Ratings,
    RatingsError,
    load_ratings,
    save_ratings,
)
from fiedler_tui.core.scores.runs_read import scan_answers

from .rated_runs import SCORES_ALL, SCORES_MID, four_rated_runs, write_run

MID = Period(date(2026, 11, 10), date(2026, 12, 1))


def figures(scores: list[ModelScore]) -> list[tuple[object, ...]]:
    return [
        (
            s.alias,
            s.runs_rated,
            s.wins,
            s.ratings,
            None if s.mean_rating is None else round(s.mean_rating, 4),
            round(s.cost_usd, 6),
            None if s.cost_per_win is None else round(s.cost_per_win, 6),
        )
        for s in scores
    ]


def test_ratings_are_saved_owner_only_and_read_back(tmp_path: Path) -> None:
    folder = write_run(tmp_path, "2026-11-01", {"alpha": 0.1, "beta": 0.2})
    assert load_ratings(folder) is None
    saved = save_ratings(folder, Ratings().rated("alpha", 4).rated("beta", 2).with_winner("beta"))
    path = folder / RATINGS_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    read = load_ratings(folder)
    assert read == saved
    assert read is not None and dict(read.ratings) == {"alpha": 4, "beta": 2}
    assert read.winner == "beta" and read.winners() == {"beta"} and read.rated_at
    with pytest.raises(RatingsError, match="1 to 5"):
        Ratings().rated("alpha", 6)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1]", "not a JSON object"),
        ('{"ratings": {"a": 9}}', "ratings.a: expected 1 to 5"),
        ('{"ratings": [], "winner": null}', "ratings: expected an object"),
        ('{"ratings_version": 7}', "newer fiedler"),
        ("{", "not JSON"),
    ],
)
def test_a_bad_ratings_file_is_named_not_read(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / RATINGS_NAME).write_text(text)
    with pytest.raises(RatingsError, match=reason):
        load_ratings(tmp_path)


def test_the_scoreboard_figures_from_known_ratings(tmp_path: Path) -> None:
    four_rated_runs(tmp_path / "runs")
    write_run(tmp_path / "runs", "2026-11-20", {"alpha": 9.0, "beta": 9.0})  # not rated
    answers = scan_answers(tmp_path / "runs")
    from fiedler_tui.core.scores.board import scoreboard

    assert figures(scoreboard(answers)) == SCORES_ALL
    assert figures(scoreboard(answers, MID)) == SCORES_MID
    assert figures(scoreboard(answers, Period(since=date(2027, 1, 1)))) == []


def test_the_index_serves_the_same_figures_and_follows_the_folders(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    runs = four_rated_runs(root)
    db = tmp_path / "state" / INDEX_NAME
    scores, note = load_scores(root, None, db)
    assert note == "" and figures(scores) == SCORES_ALL
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with RunIndex(root, db) as index:
        assert not index.rebuilt
        assert index.sync() == 0  # nothing changed since
    # a rating saved, then the index updated as the app does: read without a sync
    save_ratings(runs[3], Ratings({"alpha": 2, "beta": 2}, winner="beta"))
    index_run_quietly(runs[3], db)
    with RunIndex(root, db) as index:
        beta = [a for a in index.answers() if a.alias == "beta" and a.won]
        assert len(beta) == 2
    # a run folder deleted drops out at the next sync
    shutil.rmtree(runs[0])
    scores, _ = load_scores(root, None, db)
    assert [(s.alias, s.runs_rated, s.wins) for s in scores] == [
        ("beta", 3, 2),
        ("alpha", 3, 1),
        ("gamma", 1, 0),
    ]


@pytest.mark.parametrize("damage", ["deleted", "corrupt", "old-schema", "truncated"])
def test_the_index_is_rebuilt_from_the_run_folders(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "runs"
    four_rated_runs(root)
    db = default_index_path()
    assert db.is_file()  # each run's end indexed it
    assert figures(load_scores(root, MID)[0]) == SCORES_MID
    if damage == "deleted":
        db.unlink()
    elif damage == "corrupt":
        db.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 0")
    with RunIndex(root) as index:
        assert index.rebuilt
        assert index.sync() == 4
        from fiedler_tui.core.scores.board import scoreboard

        assert figures(scoreboard(index.answers())) == SCORES_ALL
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with RunIndex(root) as index:
        assert not index.rebuilt


def test_a_run_with_a_bad_ratings_file_is_left_out_and_named(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    runs = four_rated_runs(root)
    (runs[0] / RATINGS_NAME).write_text('{"ratings": {"alpha": "great"}}')
    os.utime(runs[0], ns=(1, 1))  # a new stamp, as the write itself would give
    db = tmp_path / INDEX_NAME
    scores, note = load_scores(root, None, db)
    assert note.startswith(f"run {runs[0].name} left out: ratings.json: ratings.alpha")
    assert [(s.alias, s.runs_rated, s.wins) for s in scores] == [
        ("beta", 3, 1),
        ("alpha", 3, 1),
        ("gamma", 1, 0),
    ]
    with RunIndex(root, db) as index:
        [(run_id, problem)] = index.problems()
    assert run_id == runs[0].name and "ratings.alpha" in problem


def test_an_unusable_index_location_falls_back_to_the_folders(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    four_rated_runs(root)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    scores, note = load_scores(root, None, blocker / INDEX_NAME)
    assert figures(scores) == SCORES_ALL and note.startswith("index not used")
    json.dumps([s.as_json() for s in scores])


def test_a_follow_up_turn_ending_indexes_its_run(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    [run, *_] = four_rated_runs(root)
    turn = run / "turns" / "2"
    turn.mkdir(parents=True)
    (turn / "summary.json").write_text('{"status": "done", "turn": 2}')
    db = tmp_path / INDEX_NAME
    index_run_quietly(turn, db)
    with sqlite3.connect(db) as conn:
        indexed = conn.execute("SELECT root, run_id FROM runs").fetchall()
    assert indexed == [(str(root.resolve()), run.name)]
