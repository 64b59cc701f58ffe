"""Choosing members, chair, rounds and personas; reading verdicts and rankings tolerantly."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.crosstalk import CrosstalkInputError, Verdict, build_plan, parse_verdict
from fiedler_tui.core.crosstalk.anonymise import Anonymiser
from fiedler_tui.core.crosstalk.ranking import aggregate_rankings, parse_ranking
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.simulator import SimulatedModel, simulated_config

CONFIG = simulated_config(
    lambda kind, name: f"http://127.0.0.1:9/{name}",
    [
        SimulatedModel(name="m1", kind="openai", aliases=("one",)),
        SimulatedModel(name="m2", kind="anthropic"),
        SimulatedModel(name="m3", kind="gemini"),
    ],
)


def plan(tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "paradigm": "debate",
        "members": ["m1", "m2"],
        "question": "Q?",
        "package_text": "",
        "roots": AllowedRoots.of([tmp_path]),
    }
    values.update(options)
    return build_plan(CONFIG, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("answer\nVERDICT: agree CONFIDENCE: 80", Verdict("agree", 80)),
        ("**Verdict:** Disagree (confidence: 65%)", Verdict("disagree", 65)),
        ("Verdict - agreed, confidence 150/100", Verdict("agree", 100)),
        ("verdict: DISAGREE", Verdict("disagree", None)),
        (
            "VERDICT: agree|disagree\n...\nVERDICT: disagree CONFIDENCE: 12.6",
            Verdict("disagree", 13),
        ),
        ("I agree with everything, confidence 90", None),
    ],
)
def test_verdicts_are_read_tolerantly(text: str, expected: Verdict | None) -> None:
    assert parse_verdict(text) == expected


def test_rankings_keep_known_letters_once_and_aggregate_by_mean_place() -> None:
    assert parse_ranking("RANKING: Reviewer C > B > C > Z", ["B", "C"]) == ["C", "B"]
    assert parse_ranking("no ranking here", ["A"]) == []
    rankings = {"x": ["B", "C"], "y": ["C", "B"], "z": ["A"]}
    assert aggregate_rankings(rankings, ["A", "B", "C", "D"]) == "A > B = C (unranked: D)"


def test_model_names_in_answers_become_letters() -> None:
    anonymiser = Anonymiser({"A": {"gpt-5", "gpt5-mini"}, "B": {"claude-sonnet"}})
    text = "As GPT-5 I disagree with claude-sonnet; gpt-5x and my.gpt-5 stay."
    assert anonymiser.scrub(text) == (
        "As Reviewer A I disagree with Reviewer B; gpt-5x and my.gpt-5 stay."
    )


def test_members_must_be_two_to_five_distinct_known_models(tmp_path: Path) -> None:
    with pytest.raises(CrosstalkInputError, match="2 to 5 members, got 1"):
        plan(tmp_path, members=["m1"])
    with pytest.raises(CrosstalkInputError, match="'one' and 'm1' are the same model"):
        plan(tmp_path, members=["m1", "one"])
    with pytest.raises(CrosstalkInputError, match="unknown model 'nope'"):
        plan(tmp_path, members=["m1", "nope"])
    with pytest.raises(CrosstalkInputError, match="unknown paradigm 'chat'"):
        plan(tmp_path, paradigm="chat")
    with pytest.raises(CrosstalkInputError, match="rounds must be 1 to 10, got 11"):
        plan(tmp_path, rounds=11)
    with pytest.raises(CrosstalkInputError, match="report always runs 2 rounds"):
        plan(tmp_path, paradigm="report", rounds=3)


def test_a_chair_is_said_to_be_a_member_and_report_defaults_to_the_first(tmp_path: Path) -> None:
    built = plan(tmp_path, paradigm="report", members=["m2", "m3"])
    assert (built.chair, built.chair_is_member) == ("m2", True)
    assert [m.letter for m in built.members] == ["A", "B"]
    assert plan(tmp_path, chair="m3").chair_is_member is False
    assert plan(tmp_path, chair="one", members=["m1", "m2"]).chair == "m1"
    assert plan(tmp_path).chair is None


def test_persona_files_must_be_inside_the_roots_utf8_and_3_to_50000_chars(
    tmp_path: Path,
) -> None:
    good = tmp_path / "persona.md"
    good.write_text("You review like a compiler.\n", encoding="utf-8")
    built = plan(tmp_path, personas={"m2": str(good)})
    assert built.member("m2").system.startswith("You review like a compiler.\n\nYou take part")
    assert built.member("m2").persona == str(good)
    short = tmp_path / "short.md"
    short.write_text(" hi \n", encoding="utf-8")
    with pytest.raises(CrosstalkInputError, match="holds 2 characters; a persona needs 3 to"):
        plan(tmp_path, personas={"m1": str(short)})
    long = tmp_path / "long.md"
    long.write_text("x" * 50_001, encoding="utf-8")
    with pytest.raises(CrosstalkInputError, match="holds 50,001 characters"):
        plan(tmp_path, personas={"m1": str(long)})
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\xff\xfeabc")
    with pytest.raises(CrosstalkInputError, match="not UTF-8"):
        plan(tmp_path, personas={"m1": str(binary)})
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("A persona elsewhere.", encoding="utf-8")
    try:
        with pytest.raises(CrosstalkInputError, match="outside the allowed roots"):
            plan(tmp_path, personas={"m1": str(outside)})
    finally:
        outside.unlink()
    with pytest.raises(CrosstalkInputError, match="neither a built-in role"):
        plan(tmp_path, personas={"m1": "wizard"})
    with pytest.raises(CrosstalkInputError, match="persona for 'm3', which is not a member"):
        plan(tmp_path, personas={"m3": "skeptic"})
    assert plan(tmp_path, personas={"one": "Security"}).member("m1").persona == "Security"
