"""Each answer is held once in the core: the run's recorder holds the very str the terminal
event carries (Finished.text, Failed.partial_text), not a joined copy of its own, and streamed
deltas are held in batches rather than one string each."""

from __future__ import annotations

from fiedler_tui.core.runner import Failed, Finished
from fiedler_tui.core.runner.text_buffer import BATCH_CHARS, TextBuffer

from .conftest import SendWorld
from .test_session import run_all, session_for


async def test_the_session_holds_the_terminal_events_own_text(world: SendWorld) -> None:
    session = session_for(world, ["fast", "broken"])
    events = await run_all(session)
    [finished] = [e for e in events if isinstance(e, Finished)]
    [failed] = [e for e in events if isinstance(e, Failed)]
    assert finished.text == "All good. " * 20
    assert session.text("fast") is finished.text
    assert failed.partial_text and session.text("broken") is failed.partial_text
    assert session.text("fast") is session.text("fast")


def test_a_buffer_joins_deltas_in_batches_and_its_text_once() -> None:
    buffer = TextBuffer()
    words = [f"w{i:05d} " for i in range(1000)]  # 7 characters a delta
    for word in words:
        buffer.append(word)
    assert len(buffer._chunks) <= 1000 * 7 // BATCH_CHARS  # a string per batch, not per delta
    assert len(buffer._recent) < BATCH_CHARS // 7
    assert all(len(chunk) < BATCH_CHARS + 7 for chunk in buffer._chunks)  # small batches
    big = "x" * (2 * BATCH_CHARS)
    buffer.append(big)
    assert buffer._chunks[-1] is big and not buffer._recent  # a large delta is not copied
    words.append(big)
    text = buffer.text()
    assert text == "".join(words) and len(buffer) == len(text)
    assert buffer.text() is text  # joined once, shared by every reader
    buffer.append("more")
    assert buffer.text() == text + "more"


def test_a_buffer_adopts_an_equal_text_and_refuses_another() -> None:
    buffer = TextBuffer()
    for part in ("abc", "def"):
        buffer.append(part)
    other = "".join(["abc", "def"])
    assert buffer.adopt(other) and buffer.text() is other
    assert not buffer.adopt("abcdeX") and buffer.text() is other
    assert not buffer.adopt("short") and buffer.text() == "abcdef"
    empty = TextBuffer()
    assert empty.adopt("") and empty.text() == ""
