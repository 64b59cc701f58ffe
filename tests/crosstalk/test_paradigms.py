"""What each member is actually sent, round by round, in all three wire formats, over loopback.

Every member replies with text naming its own model, so the tests also see that no answer
reaches another model with that name in it.
"""

from __future__ import annotations

from fiedler_tui.core.crosstalk import (
    DroppedOut,
    RoundEnded,
    RoundStarted,
    TurnEvent,
    VerdictGiven,
)
from fiedler_tui.core.crosstalk.prompts import CHAIR_SYSTEM, MEMBER_SYSTEM
from fiedler_tui.core.runner import TextDelta
from fiedler_tui.core.simulator import ModelScript

from .support import (
    KINDS,
    PACKAGE,
    QUESTION,
    assistant_texts,
    deliberate,
    reply,
    system_text,
    user_texts,
    world,
)

NAMES = tuple(KINDS)
LETTER = {"alpha-gpt": "A", "beta-claude": "B", "gamma-gemini": "C"}
FIRST_TURN = PACKAGE + "REQUEST\n" + QUESTION


def scripts(**verdicts: str) -> dict[str, ModelScript]:
    return {name: ModelScript(reply=reply(name, verdicts.get(name, "agree"))) for name in NAMES}


def assert_no_model_names(text: str) -> None:
    for name in (*NAMES, "chair-model"):
        assert name not in text.lower(), (name, text)


async def test_debate_is_blind_first_then_anonymised_and_runs_every_round_without_consensus() -> (
    None
):
    async with world(scripts(**{"beta-claude": "disagree"})) as w:
        events, outcome = await deliberate(w, w.plan("debate", rounds=3))
        for name in NAMES:
            bodies = w.bodies(name)
            assert len(bodies) == 3
            # Round 1: blind — system, package, question and nothing else.
            assert user_texts(bodies[0]) == [FIRST_TURN]
            assert assistant_texts(bodies[0]) == []
            assert system_text(bodies[0]) == MEMBER_SYSTEM
            for later in bodies[1:]:
                users = user_texts(later)
                assert users[0] == FIRST_TURN  # the stable part, byte-identical
                assert assistant_texts(later) == [
                    reply(name, "disagree" if name == "beta-claude" else "agree")
                ]
                latest = users[-1]
                others = [n for n in NAMES if n != name]
                for other in others:
                    assert f"--- Reviewer {LETTER[other]} ---" in latest
                assert f"--- Reviewer {LETTER[name]} ---" not in latest
                assert "VERDICT: agree|disagree CONFIDENCE: 0-100" in latest
                assert_no_model_names(latest)
        assert outcome.status == "complete"
        assert outcome.rounds_run == 3
        assert outcome.consensus is False
        assert outcome.result_kind == "no consensus"
        verdicts = [e for e in events if isinstance(e, VerdictGiven)]
        assert {(v.round, v.member, v.verdict.stance if v.verdict else None) for v in verdicts} == {
            (r, n, "disagree" if n == "beta-claude" else "agree") for r in (2, 3) for n in NAMES
        }
        assert all(v.verdict and v.verdict.confidence == 80 for v in verdicts)
        starts = [e for e in events if isinstance(e, RoundStarted)]
        assert [(s.round, s.phase) for s in starts] == [(1, "answer"), (2, "answer"), (3, "answer")]
        deltas = [e for e in events if isinstance(e, TurnEvent) and isinstance(e.event, TextDelta)]
        assert {(d.round, d.member, d.letter) for d in deltas} == {
            (r, n, LETTER[n]) for r in (1, 2, 3) for n in NAMES
        }


async def test_debate_stops_early_when_every_member_agrees_and_the_chair_synthesises() -> None:
    chair_script = ModelScript(reply="SYNTHESIS: harmless padding.")
    async with world({**scripts(), "chair-model": chair_script}, with_chair=True) as w:
        plan = w.plan("debate", rounds=4, chair="chair-model")
        assert not plan.chair_is_member
        events, outcome = await deliberate(w, plan)
        assert outcome.rounds_run == 2
        assert outcome.consensus is True
        assert outcome.result_kind == "consensus"
        assert outcome.result == "SYNTHESIS: harmless padding."
        assert all(len(w.bodies(name)) == 2 for name in NAMES)
        [chair_body] = w.bodies("chair-model")
        assert system_text(chair_body) == CHAIR_SYSTEM
        [chair_text] = user_texts(chair_body)
        assert chair_text.startswith(PACKAGE + "REQUEST\n" + QUESTION)
        for name in NAMES:
            assert f"--- Reviewer {LETTER[name]} ---" in chair_text
        assert "Every remaining reviewer declared agreement" in chair_text
        assert_no_model_names(chair_text)
        ended = [e for e in events if isinstance(e, RoundEnded)]
        assert [(e.round, e.phase, e.consensus) for e in ended] == [
            (1, "answer", None),
            (2, "answer", True),
            (2, "synthesis", None),
        ]


async def test_relay_passes_each_answer_down_the_chain_for_every_lap() -> None:
    async with world(scripts()) as w:
        events, outcome = await deliberate(w, w.plan("relay", rounds=2))
        first = w.bodies("alpha-gpt")
        second = w.bodies("beta-claude")
        third = w.bodies("gamma-gemini")
        assert [len(first), len(second), len(third)] == [2, 2, 2]
        assert user_texts(first[0]) == [FIRST_TURN]
        # Each link reads the previous link's answer, labelled by letter, and nothing else.
        chain = [(second[0], "A"), (third[0], "B"), (first[1], "C"), (second[1], "A")]
        for body, letter in chain:
            [text] = user_texts(body)
            assert text.startswith(FIRST_TURN)
            assert f"--- Reviewer {letter} ---\nReviewer {letter} says" in text
            assert text.count("--- Reviewer ") == 1  # exactly one answer in the block
            assert text.count("--- end of Reviewer ") == 1
            assert_no_model_names(text)
        order = [
            e.member for e in events if isinstance(e, TurnEvent) and isinstance(e.event, TextDelta)
        ]
        compact = [m for i, m in enumerate(order) if i == 0 or order[i - 1] != m]
        assert compact == list(NAMES) * 2
        assert outcome.status == "complete"
        assert outcome.result_kind == "relay answer"
        assert outcome.result == reply("gamma-gemini")


async def test_report_reviews_the_others_and_the_chair_reads_every_answer_and_the_ranking() -> None:
    ranked = {
        "alpha-gpt": "alpha-gpt answer.\nRANKING: B > C",
        "beta-claude": "beta-claude answer.\nRANKING: Reviewer A > Reviewer C",
        "gamma-gemini": "gamma-gemini answer.\nRANKING: A > B",
    }
    all_scripts = {name: ModelScript(reply=text) for name, text in ranked.items()}
    all_scripts["chair-model"] = ModelScript(reply="FINAL REPORT")
    async with world(all_scripts, with_chair=True) as w:
        events, outcome = await deliberate(w, w.plan("report", chair="chair-model"))
        for name in NAMES:
            blind, review = w.bodies(name)
            assert user_texts(blind) == [FIRST_TURN]
            latest = user_texts(review)[-1]
            for other in NAMES:
                present = f"--- Reviewer {LETTER[other]} ---" in latest
                assert present is (other != name)
            assert "RANKING:" in latest
            assert_no_model_names(latest)
        [chair_body] = w.bodies("chair-model")
        [text] = user_texts(chair_body)
        assert text.count("--- Reviewer A ---") == 2  # its answer and its review
        assert text.count("--- Reviewer B ---") == 2
        assert text.count("--- Reviewer C ---") == 2
        assert "best first, by mean position; ties share a place): A > B > C" in text
        assert_no_model_names(text)
        reviews = [t for t in outcome.turns if t.phase == "review"]
        assert {t.member: t.ranking for t in reviews} == {
            "alpha-gpt": ("B", "C"),
            "beta-claude": ("A", "C"),
            "gamma-gemini": ("A", "B"),
        }
        assert outcome.status == "complete"
        assert outcome.result_kind == "report"
        assert outcome.result == "FINAL REPORT"
        phases = [(e.round, e.phase) for e in events if isinstance(e, RoundStarted)]
        assert phases == [(1, "answer"), (2, "review"), (2, "report")]


async def test_memory_members_read_the_chairs_ledger_instead_of_the_raw_answers() -> None:
    all_scripts = scripts(**{"gamma-gemini": "disagree"})
    all_scripts["chair-model"] = ModelScript(
        reply="AGREED:\n- padding\nDISPUTED:\n- C (beta-claude sides with it)\nOPEN:\n- none"
    )
    async with world(all_scripts, with_chair=True) as w:
        _, outcome = await deliberate(w, w.plan("memory", rounds=3, chair="chair-model"))
        for name in NAMES:
            bodies = w.bodies(name)
            assert len(bodies) == 3
            sizes = []
            for later in bodies[1:]:
                latest = user_texts(later)[-1]
                assert "AGREED:\n- padding\nDISPUTED:\n- C (Reviewer B sides with it)" in latest
                assert_no_model_names(latest)
                assert "--- Reviewer" not in latest  # no raw answers
                assert "says: the padding is harmless" not in latest
                sizes.append(len(latest))
            assert sizes[0] == sizes[1]  # bounded: round 3 reads no more than round 2
        chair_bodies = w.bodies("chair-model")
        assert len(chair_bodies) == 3  # one ledger per round
        for body in chair_bodies:
            [text] = user_texts(body)
            for name in NAMES:
                assert f"--- Reviewer {LETTER[name]} ---" in text
            assert_no_model_names(text)
        assert "AGREED:\n(nothing yet)" in user_texts(chair_bodies[0])[0]
        assert "AGREED:\n- padding" in user_texts(chair_bodies[1])[0]
        assert outcome.status == "complete"
        assert outcome.result_kind == "ledger"
        assert outcome.result.startswith("AGREED:")


async def test_personas_are_each_members_system_prompt(tmp_path: object) -> None:
    async with world(scripts()) as w:
        plan = w.plan("debate", rounds=1, personas={"beta-claude": "skeptic"})
        await deliberate(w, plan)
        assert system_text(w.bodies("beta-claude")[0]).startswith("You are a skeptical reviewer.")
        assert system_text(w.bodies("alpha-gpt")[0]) == MEMBER_SYSTEM
        assert not [e for e in plan.members if e.alias == "alpha-gpt" and e.persona]


def test_dropped_out_is_exported() -> None:
    assert DroppedOut(round=1, member="m", reason="r").code is None
