"""Every prompt a deliberation sends, in one place, as named templates.

Templates are ``str.format`` strings; the fields each one takes are listed beside it. A member's
conversation always starts with its system prompt (a persona or ``MEMBER_SYSTEM``), then the file
package, then the question; what changes from round to round (other answers, the ledger, the
instruction) comes last, so the stable part stays byte-identical and providers can cache it.
Answers shown to a member are labelled by letter (``Reviewer A``), never by model name.
"""

from __future__ import annotations

MEMBER_SYSTEM = (
    "You are one of several independent reviewers deliberating on the same question about a "
    "package of files. Each file is delimited by a header that names its path; the question "
    "follows the line REQUEST. Answer on the merits, say where you are unsure, and change your "
    "mind only for a reason."
)
"""The system prompt of a member without a persona."""

CHAIR_SYSTEM = (
    "You chair a deliberation between several reviewers of the same package of files. You "
    "weigh their answers by their arguments, not by their number, name every disagreement "
    "that remains, and never present as agreed what was disputed."
)
"""The chair's system prompt (a persona given to a chair that is also a member is kept)."""

BUILTIN_ROLES: dict[str, str] = {
    "skeptic": (
        "You are a skeptical reviewer. Look for what is wrong, missing or unproven; ask for the "
        "evidence behind every claim, including the other reviewers' claims."
    ),
    "security": (
        "You are a security reviewer. Look for injection, unsafe input handling, secrets, "
        "permissions and anything an attacker could reach; rank findings by impact."
    ),
    "architect": (
        "You are a software architect. Judge structure, boundaries, naming and how the design "
        "will age; prefer small concrete changes over rewrites."
    ),
    "tester": (
        "You are a test engineer. Ask how each behaviour is verified, which cases are missing "
        "and which tests would fail on the bug in question."
    ),
    "pragmatist": (
        "You are a pragmatic senior engineer. Weigh cost against benefit and say what to do "
        "first, what can wait and what is not worth doing."
    ),
}
"""Built-in personas, usable with ``--persona ALIAS=ROLE``; each becomes the member's system
prompt, followed by a note that it takes part in a deliberation."""

PERSONA_SUFFIX = (
    "\n\nYou take part in a deliberation with other reviewers on a package of files; the "
    "question follows the line REQUEST."
)
"""Appended to every persona so a custom one still knows the setting."""

VERDICT_INSTRUCTION = (
    "End your answer with one last line, exactly in this form:\n"
    "VERDICT: agree|disagree CONFIDENCE: 0-100\n"
    "agree means you agree with the position emerging from the answers; CONFIDENCE is how sure "
    "you are of your own answer."
)

DEBATE_ROUND = (
    "Round {round} of {rounds}. These are the other reviewers' latest answers:\n\n"
    "{answers}\n\n"
    "Reconsider your answer in their light: keep what holds, correct what does not, say where "
    "you still disagree and why. Give your full revised answer.\n\n" + VERDICT_INSTRUCTION
)
"""A debate member's later round. Fields: round, rounds, answers."""

MEMORY_ROUND = (
    "Round {round} of {rounds}. The chair keeps this shared memory of the deliberation so "
    "far:\n\n{ledger}\n\n"
    "Reconsider your answer in its light: settle open points where you can, argue disputed "
    "ones on the merits. Give your full revised answer.\n\n" + VERDICT_INSTRUCTION
)
"""A memory member's later round. Fields: round, rounds, ledger."""

RELAY_FIRST = "{question}"
"""The first member of a relay's first lap answers the question as asked. Fields: question."""

RELAY_NEXT = (
    "{question}\n\n"
    "Another reviewer (Reviewer {letter}) has already answered this question:\n\n"
    "--- Reviewer {letter} ---\n{answer}\n--- end of Reviewer {letter} ---\n\n"
    "Improve that answer: correct its mistakes, fill its gaps, cut what is wrong or "
    "superfluous. Give the complete improved answer, not a list of changes."
)
"""A relay member after the first. Fields: question, letter, answer."""

REPORT_REVIEW = (
    "These are the other reviewers' answers to the same question:\n\n"
    "{answers}\n\n"
    "Review each answer: what it gets right, what it gets wrong, what it misses. Then rank "
    "them from best to worst in one last line, exactly in this form:\n"
    "RANKING: {example}"
)
"""A report member's review round. Fields: answers, example (e.g. ``B > C``)."""

REPORT_CHAIR = (
    "{question}\n\n"
    "The reviewers first answered the question independently:\n\n{answers}\n\n"
    "Then each reviewed the others' answers:\n\n{reviews}\n\n"
    "Aggregated ranking (best first, by mean position; ties share a place): {ranking}\n\n"
    "Write the final report: the answer to the question that the evidence supports, the "
    "points the reviewers agree on, the points still disputed and who holds which side (by "
    "letter), and what remains open."
)
"""The chair's report. Fields: question, answers, reviews, ranking."""

LEDGER_UPDATE = (
    "{question}\n\n"
    "Shared memory after the previous round:\n\n{ledger}\n\n"
    "Answers of round {round}:\n\n{answers}\n\n"
    "Update the shared memory. Keep it compact (at most {max_words} words) and use exactly "
    "these three headings:\nAGREED:\nDISPUTED:\nOPEN:\n"
    "Under each, short points; for disputed points say which reviewers (by letter) hold which "
    "side. Do not copy the answers."
)
"""The chair's ledger after a memory round. Fields: question, ledger, round, answers,
max_words."""

EMPTY_LEDGER = "AGREED:\n(nothing yet)\nDISPUTED:\n(nothing yet)\nOPEN:\n(everything)"

DEBATE_CHAIR = (
    "{question}\n\n"
    "The reviewers deliberated over {rounds} round(s). Their final answers:\n\n{answers}\n\n"
    "{consensus}\n\n"
    "Write the synthesis: the answer the final positions support, the points agreed, the "
    "points still disputed and who holds which side (by letter)."
)
"""The chair's synthesis of a debate or memory deliberation. Fields: question, rounds,
answers, consensus."""

CONSENSUS_REACHED = "Every remaining reviewer declared agreement in the last round."
CONSENSUS_MISSING = "The reviewers did not all declare agreement."

ANSWER_BLOCK = "--- Reviewer {letter} ---\n{text}\n--- end of Reviewer {letter} ---"
"""How one answer is shown to another model. Fields: letter, text."""

MISSING_ANSWER = "(Reviewer {letter} gave no answer this round.)"

LEDGER_MAX_WORDS = 400
"""The bound the chair is asked to keep the memory within."""
