"""Scripted deliberating: a model that answers a deliberation's requests in kind.

When the request's last part asks for a verdict, the scripted reply ends with one; asked for a
ranking, with the ranking the request suggests; asked to update a shared memory, the reply is a
ledger. The stance depends on the model and the round (read from ``Round N of M``): a model
whose name has an odd checksum disagrees in round 2 and agrees from round 3, the others always
agree, so a three-round debate in the demo ends in consensus after some disagreement.
"""

from __future__ import annotations

import re
import zlib

_TAIL_CHARS = 4000
_VERDICT_ASKED = "VERDICT: agree|disagree"
_RANKING_ASKED = re.compile(r"RANKING: ([A-E](?: > [A-E])*)\s*$")
_LEDGER_ASKED = "AGREED:\nDISPUTED:\nOPEN:"
_ROUND = re.compile(r"Round (\d+) of \d+")


def deliberation_reply(reply: str, model: str, prompt: str) -> str:
    """``reply`` adapted to what the end of ``prompt`` asks for (unchanged when nothing)."""
    tail = prompt[-_TAIL_CHARS:]
    checksum = zlib.crc32(model.encode("utf-8"))
    if _LEDGER_ASKED in tail:
        first = reply.strip().splitlines()[0] if reply.strip() else "the package"
        return (
            f"AGREED:\n- {first}\nDISPUTED:\n- Whether the edge cases need tests now.\n"
            "OPEN:\n- Nothing else."
        )
    ranking = _RANKING_ASKED.search(tail)
    if ranking is not None:
        order = ranking.group(1).split(" > ")
        if checksum % 2:
            order.reverse()
        return f"{reply}\n\nRANKING: {' > '.join(order)}"
    if _VERDICT_ASKED in tail:
        found = _ROUND.findall(tail)
        number = int(found[-1]) if found else 2
        stance = "disagree" if checksum % 2 and number < 3 else "agree"
        confidence = 60 + checksum % 35
        return f"{reply}\n\nVERDICT: {stance} CONFIDENCE: {confidence}"
    return reply
