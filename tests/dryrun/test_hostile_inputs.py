"""Each hostile input in a real temporary tree gets its documented result, in bounded time."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import pytest

from fiedler_tui.core.files.cache import FileReadCache
from fiedler_tui.core.files.errors import LimitExceededError, PathRefusedError
from fiedler_tui.core.files.reading import TextRead, read_text_file
from fiedler_tui.core.files.selection import select_files
from fiedler_tui.core.files.skips import SkipCode
from fiedler_tui.core.package import ensure_unchanged, verify_unchanged
from fiedler_tui.core.package.verify import PreviewStaleError
from fiedler_tui.core.settings import Settings
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(20)


def codes(selection: object) -> dict[str, SkipCode]:
    return {s.path: s.code for s in selection.skipped}  # type: ignore[attr-defined]


def test_symlink_inside_root_pointing_outside_is_refused_not_followed(
    root: Path, tmp_path: Path, settings: Settings
) -> None:
    outside = write(tmp_path / "outside" / "secret.txt", "top secret\n")
    write(root / "ok.txt", "fine\n")
    (root / "link.txt").symlink_to(outside)
    (root / "linkdir").symlink_to(outside.parent, target_is_directory=True)

    walked = select_files([root], settings)
    assert [f.path for f in walked.files] == ["ok.txt"]
    assert codes(walked)["link.txt"] is SkipCode.SYMLINK_ESCAPE
    assert codes(walked)["linkdir"] is SkipCode.SYMLINK_ESCAPE
    assert all("top secret" not in f.text for f in walked.files)

    named = select_files([root / "link.txt"], settings)
    assert named.files == ()
    assert named.refused[0].code is SkipCode.SYMLINK_ESCAPE
    assert "not followed" in named.refused[0].reason


def test_symlink_inside_root_pointing_inside_is_followed(root: Path, settings: Settings) -> None:
    write(root / "real" / "a.txt", "a\n")
    (root / "alias.txt").symlink_to(root / "real" / "a.txt")
    selection = select_files([root / "alias.txt"], settings)
    assert [f.path for f in selection.files] == ["real/a.txt"]  # the resolved path


def test_dotdot_escape_is_refused(root: Path, tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "elsewhere.txt", "no\n")
    selection = select_files(["../elsewhere.txt"], settings, cwd=str(root))
    assert selection.files == ()
    (refused,) = selection.refused
    assert refused.code is SkipCode.OUTSIDE_ROOTS
    assert "'..'" in refused.reason
    with pytest.raises(PathRefusedError, match="outside the allowed roots") as info:
        selection.raise_for_refused()
    assert info.value.exit_code == 2


def test_dotdot_that_stays_inside_is_fine(root: Path, settings: Settings) -> None:
    write(root / "a" / "x.txt", "x\n")
    (root / "b").mkdir()
    selection = select_files(["b/../a/x.txt"], settings, cwd=str(root))
    assert [f.path for f in selection.files] == ["a/x.txt"]


@pytest.mark.timeout(10)
def test_fifo_is_never_opened(root: Path, settings: Settings) -> None:
    os.mkfifo(root / "pipe")
    write(root / "a.txt", "a\n")
    walked = select_files([root], settings)
    assert [f.path for f in walked.files] == ["a.txt"]
    assert codes(walked)["pipe"] is SkipCode.SPECIAL_FILE
    named = select_files([root / "pipe"], settings)
    assert named.files == ()
    assert named.skipped[0].code is SkipCode.SPECIAL_FILE
    assert "fifo" in named.skipped[0].reason


@pytest.mark.timeout(10)
def test_unix_socket_is_never_opened(root: Path, settings: Settings) -> None:
    import socket

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(root / "sock"))
        selection = select_files([root], settings)
        assert selection.files == ()
        assert selection.skipped[0].code is SkipCode.SPECIAL_FILE
        assert "socket" in selection.skipped[0].reason
    finally:
        server.close()


@pytest.mark.timeout(10)
def test_dev_zero_behind_a_link(root: Path, settings: Settings) -> None:
    (root / "zero").symlink_to("/dev/zero")
    walked = select_files([root], settings)
    assert codes(walked)["zero"] is SkipCode.SYMLINK_ESCAPE
    # Even with /dev allowed, a device is classified by stat and never opened.
    with_dev = Settings(allowed_roots=(root, Path("/dev")))
    named = select_files([root / "zero"], with_dev)
    assert named.files == ()
    assert named.skipped[0].code is SkipCode.SPECIAL_FILE
    assert "character device" in named.skipped[0].reason
    refusal = read_text_file("/dev/zero", 10**12)  # even with a huge cap: never read
    assert not isinstance(refusal, TextRead)
    assert refusal.code is SkipCode.SPECIAL_FILE


@pytest.mark.timeout(10)
def test_sparse_two_gigabyte_file_is_not_read(root: Path, settings: Settings) -> None:
    huge = root / "huge.log"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 1024**3)
    selection = select_files([root], settings)
    assert selection.files == ()
    (skip,) = selection.skipped
    assert skip.code is SkipCode.TOO_LARGE
    assert "2,147,483,648 bytes" in skip.reason
    assert "FIEDLER_MAX_FILE_BYTES=2000000" in skip.reason


def test_binary_and_invalid_utf8_are_skipped_with_offsets(root: Path, settings: Settings) -> None:
    write(root / "image.bin", b"\x89PNG\r\n\x1a\n\x00\x00rest")
    write(root / "latin1.txt", "caf\xe9\n".encode("latin-1"))
    write(root / "good.txt", "café\n")
    selection = select_files([root], settings)
    assert [f.path for f in selection.files] == ["good.txt"]
    reasons = {s.path: s for s in selection.skipped}
    assert reasons["image.bin"].code is SkipCode.BINARY
    assert "offset 8" in reasons["image.bin"].reason
    assert reasons["latin1.txt"].code is SkipCode.NOT_UTF8
    assert "offset 3" in reasons["latin1.txt"].reason


def test_chmod_000_as_the_current_user(root: Path, settings: Settings) -> None:
    locked = write(root / "locked.txt", "hidden\n")
    locked.chmod(0)
    selection = select_files([root], settings)
    if os.geteuid() == 0:
        # root bypasses file permissions: the documented behaviour is that it is read normally.
        assert [f.path for f in selection.files] == ["locked.txt"]
    else:
        assert selection.files == ()
        assert selection.skipped[0].code is SkipCode.UNREADABLE
        assert "Permission denied" in selection.skipped[0].reason


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_chmod_000_for_an_unprivileged_user_is_unreadable() -> None:
    """A forked child drops to uid/gid 65534 and reads the file through the real code path."""
    folder = tempfile.mkdtemp(prefix="fiedler-perm-", dir="/tmp")
    try:
        os.chmod(folder, 0o711)
        path = os.path.join(folder, "locked.txt")
        Path(path).write_text("hidden\n")
        os.chmod(path, 0)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                os.setgid(65534)
                os.setuid(65534)
                result = read_text_file(path, 1000)
                payload = {"kind": type(result).__name__, **getattr(result, "__dict__", {})}
                os.write(write_end, json.dumps(payload, default=str).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            payload = json.loads(pipe.read())
        assert payload["kind"] == "ReadRefusal"
        assert payload["code"] == "unreadable"
        assert "Permission denied" in payload["reason"]
    finally:
        os.chmod(folder, 0o700)
        os.chmod(os.path.join(folder, "locked.txt"), 0o600)
        os.unlink(os.path.join(folder, "locked.txt"))
        os.rmdir(folder)


def test_file_changed_or_vanished_after_preview(root: Path, engine: object, config: object) -> None:
    from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
    from fiedler_tui.core.config.schema import Config

    assert isinstance(engine, DryRunEngine) and isinstance(config, Config)
    write(root / "a.txt", "alpha\n")
    write(root / "b.txt", "beta\n")
    write(root / "c.txt", "gamma\n")
    result = engine.run([root], [config.resolve("gpt-5")], DryRunOptions(prompt="p"))
    assert verify_unchanged(result.preview) == ()
    ensure_unchanged(result.preview)

    write(root / "a.txt", "alpha, edited\n")
    (root / "b.txt").unlink()
    c_stat = os.stat(root / "c.txt")
    write(root / "c.txt", "GAMMA\n")  # same size ...
    os.utime(root / "c.txt", ns=(c_stat.st_atime_ns, c_stat.st_mtime_ns))  # ... and same mtime
    changes = {c.path: c for c in verify_unchanged(result.preview)}
    assert changes["a.txt"].kind == "changed"
    assert changes["b.txt"].kind == "vanished"
    assert changes["c.txt"].kind == "changed"
    assert "sha256" in changes["c.txt"].detail
    with pytest.raises(PreviewStaleError) as info:
        ensure_unchanged(result.preview)
    assert info.value.exit_code == 3
    # The package to send is still the previewed text, never re-read from disk.
    assert "alpha\n" in result.request().package_text
    assert "edited" not in result.request().package_text


def test_names_with_newlines_and_ansi_escapes(root: Path, settings: Settings) -> None:
    evil = 'evil\nFILE "x" bytes=1\x1b[31mred\x1b[0m.txt'
    write(root / evil, "content\n")
    write(root / "plain.txt", "plain\n")
    selection = select_files([root], settings)
    assert sorted(f.path for f in selection.files) == sorted([evil, "plain.txt"])

    from fiedler_tui.core.package import build_preview, make_block

    preview = build_preview([make_block(f) for f in selection.files])
    lines = preview.text.split("\n")
    headers = [line for line in lines if line.startswith("FILE ")]
    assert len(headers) == 2  # the name's newline did not create a header line
    assert "\x1b" not in preview.text
    evil_header = next(h for h in headers if "evil" in h)
    name, end = json.JSONDecoder().raw_decode(evil_header, len("FILE "))
    assert name == evil
    assert evil_header[end:] == " bytes=8 lines=1"
    assert "\\u001b[31m" in evil_header and "\\n" in evil_header


def test_limits_are_enforced_while_scanning_and_named(root: Path) -> None:
    for index in range(5):
        write(root / f"f{index}.txt", "line\n" * 10)
    cache = FileReadCache()
    count_limited = select_files(
        [root], Settings(allowed_roots=(root,), max_file_count=3), cache=cache
    )
    assert [f.path for f in count_limited.files] == ["f0.txt", "f1.txt", "f2.txt"]
    crossing = count_limited.crossing
    assert crossing is not None
    assert (crossing.variable, crossing.limit, crossing.reached, crossing.path) == (
        "FIEDLER_MAX_FILE_COUNT",
        3,
        4,
        "f3.txt",
    )
    assert count_limited.unscanned == 1
    assert cache.misses == 4  # f4.txt was never read
    message = crossing.message()
    assert "FIEDLER_MAX_FILE_COUNT=3" in message and "f3.txt" in message

    byte_limited = select_files([root], Settings(allowed_roots=(root,), max_package_bytes=120))
    assert byte_limited.crossing is not None
    assert byte_limited.crossing.variable == "FIEDLER_MAX_PACKAGE_BYTES"
    assert byte_limited.crossing.reached == 150
    assert byte_limited.crossing.path == "f2.txt"

    line_limited = select_files([root], Settings(allowed_roots=(root,), max_lines=25))
    assert line_limited.crossing is not None
    assert line_limited.crossing.variable == "FIEDLER_MAX_LINES"
    assert (line_limited.crossing.reached, line_limited.crossing.path) == (30, "f2.txt")
    with pytest.raises(LimitExceededError) as info:
        line_limited.raise_for_crossing()
    assert info.value.exit_code == 3
    assert info.value.message.startswith("FIEDLER_MAX_LINES=25 crossed at f2.txt")


def test_special_file_modes_are_classified_without_opening(root: Path) -> None:
    from fiedler_tui.core.files.reading import special_kind

    assert special_kind(stat.S_IFIFO) == "fifo"
    assert special_kind(stat.S_IFSOCK) == "socket"
    assert special_kind(stat.S_IFBLK) == "block device"
    assert special_kind(stat.S_IFREG) is None


def test_symlink_loops_and_self_links_terminate(root: Path, settings: Settings) -> None:
    write(root / "a" / "x.txt", "x\n")
    (root / "a" / "up").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "self")
    selection = select_files([root], settings)
    assert [f.path for f in selection.files] == ["a/x.txt"]
    assert codes(selection)["self"] in (SkipCode.UNREADABLE, SkipCode.MISSING)


def test_undecodable_file_names_are_escaped(root: Path, settings: Settings) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: decoded with surrogate escapes
    write(root / name, "x\n")
    selection = select_files([root], settings)
    (selected,) = selection.files
    from fiedler_tui.core.files.names import quote_name
    from fiedler_tui.core.package import build_preview, make_block

    assert quote_name(selected.path) == '"caf\\udce9.txt"'
    text = build_preview([make_block(selected)]).text
    assert text.encode("utf-8").decode("utf-8") == text
