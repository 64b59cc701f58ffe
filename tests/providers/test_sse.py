"""The SSE decoder follows the event-stream rules on every line ending and chunk boundary."""

from __future__ import annotations

from fiedler_tui.core.providers.sse import ServerSentEvent, SSEDecoder


def feed_all(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return events


def test_named_events_and_data() -> None:
    events = feed_all(
        b'event: message_start\ndata: {"a":1}\n\nevent: ping\ndata: {"type": "ping"}\n\n'
    )
    assert events == [
        ServerSentEvent(data='{"a":1}', event="message_start"),
        ServerSentEvent(data='{"type": "ping"}', event="ping"),
    ]


def test_crlf_cr_and_lf_line_endings() -> None:
    assert feed_all(b"data: one\r\n\r\ndata: two\r\rdata: three\n\n") == [
        ServerSentEvent(data="one"),
        ServerSentEvent(data="two"),
        ServerSentEvent(data="three"),
    ]


def test_every_split_point_gives_the_same_events() -> None:
    stream = b"event: e\r\ndata: x\r\ndata: y\r\nid: 7\r\nretry: 300\r\n: comment\r\n\r\ndata: \xc3\xa9t\xc3\xa9\r\n\r\n"
    expected = feed_all(stream)
    assert expected == [
        ServerSentEvent(data="x\ny", event="e", id="7", retry=300),
        ServerSentEvent(data="été", id="7"),  # the last event id persists
    ]
    for cut in range(1, len(stream)):
        assert feed_all(stream[:cut], stream[cut:]) == expected, cut


def test_comments_blank_events_and_unknown_fields_are_ignored() -> None:
    assert feed_all(b": keep-alive\n\nfoo: bar\n\n\n\ndata\n\n") == [ServerSentEvent(data="")]


def test_incomplete_event_is_pending_not_dispatched() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"cut') == []
    assert decoder.pending
    decoder2 = SSEDecoder()
    decoder2.feed(b"data: done\n\n")
    assert not decoder2.pending
