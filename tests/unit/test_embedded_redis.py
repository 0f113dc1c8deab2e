"""The embedded redis-server has no password, so nobody but its owner may reach it or read its files:
a 0700 unix socket in a 0700 folder, no TCP port, and 0600 files. A real redis-server each time."""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import redis
import redis.retry
from conftest import wait_until

from sls_server.store.embedded import EmbeddedRedis

MAX_SOCKET_PATH = 103  # sun_path: 108 bytes on Linux, 104 on macOS, with the final NUL


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def socket_path(server: EmbeddedRedis) -> Path:
    assert server.url.startswith("unix:///"), server.url
    return Path(unquote(server.url.removeprefix("unix://")))


def files_under(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]


def test_listens_on_a_private_unix_socket_only_and_writes_private_files(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    with EmbeddedRedis(data, appendonly=True) as server:
        sock = socket_path(server)
        assert sock.parent == data
        assert stat.S_ISSOCK(os.lstat(sock).st_mode)
        assert mode(sock) == 0o700
        assert mode(data) == 0o700
        client = redis.Redis.from_url(server.url, decode_responses=True)
        assert client.config_get("port") == {"port": "0"}  # no TCP listener at all
        client.set("k", "v")
        client.bgrewriteaof()  # a rewritten AOF is a new file: it must be private too
        wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0)
        wait_until(lambda: client.info("persistence")["aof_rewrite_scheduled"] == 0)
        client.close()
        written = [p for p in files_under(data) if not stat.S_ISSOCK(os.lstat(p).st_mode)]
        names = {p.name for p in written}
        assert "redis.log" in names and any(n.startswith("appendonly") for n in names), names
        assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}


def test_tightens_files_left_world_readable(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    old_log = data / "redis.log"
    old_log.write_text("an older server's log\n")
    old_log.chmod(0o644)
    with EmbeddedRedis(data, appendonly=False):
        assert mode(data) == 0o700
        assert mode(old_log) == 0o600


def test_a_long_data_folder_gets_its_socket_in_a_short_private_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / ("d" * 60) / ("e" * 60) / "redis"
    assert len(os.fsencode(data / "redis.sock")) > MAX_SOCKET_PATH
    server = EmbeddedRedis(data, appendonly=True)
    with caplog.at_level(logging.INFO, logger="sls_server.store.embedded_files"):
        server.start()
    try:
        sock = socket_path(server)
        assert len(os.fsencode(sock)) <= MAX_SOCKET_PATH
        assert mode(sock.parent) == 0o700 and mode(sock) == 0o700
        assert str(sock.parent) in caplog.text and "too long" in caplog.text
        assert redis.Redis.from_url(server.url).set("kept", "1")

        url = server.url
        server.stop()
        assert not sock.parent.exists()  # nothing left in /tmp
        server.start()  # the same address after a restart: clients handed the URL reconnect
        assert server.url == url
        assert redis.Redis.from_url(url).get("kept") == b"1"  # and the data folder's AOF
        assert mode(sock.parent) == 0o700
    finally:
        server.stop()


def test_refuses_a_planted_socket_folder(tmp_path: Path) -> None:
    """After a stop the short folder is gone; a symlink planted under its name is not followed."""
    server = EmbeddedRedis(tmp_path / ("x" * 110), appendonly=False).start()
    folder = socket_path(server).parent
    server.stop()
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()
    folder.symlink_to(elsewhere)
    try:
        with pytest.raises(RuntimeError, match="not a folder of this user"):
            server.start()
        assert not (elsewhere / "redis.sock").exists()
    finally:
        folder.unlink()
        server.stop()


def test_a_second_server_on_the_same_data_folder_shares_the_running_redis(tmp_path: Path) -> None:
    """``sls demo`` and ``sls gateway`` on one data folder: one world, not two redis-servers fighting over
    the socket and the AOF. Stopping the one that shares leaves the owner's running."""
    with EmbeddedRedis(tmp_path) as owner:
        second = EmbeddedRedis(tmp_path).start()
        assert second.shared and second.process is None and second.url == owner.url
        redis.Redis.from_url(second.url).set("seen", "by both")
        second.stop()
        assert redis.Redis.from_url(owner.url).get("seen") == b"by both"
        assert owner.process is not None and owner.process.poll() is None


def watch_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sls_server.store.embedded_watch"]


def test_the_watchdog_of_a_server_that_shares_takes_over_when_the_owner_is_gone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``sls gateway`` beside ``sls demo`` on one data folder, the demo stopped: the gateway answered 503 till
    restarted. Its owner gone (the lock free), the sharer's watchdog starts the Redis on the same socket from
    its AOF and owns it from then on: the world lives on, said once; its stop stops that Redis."""
    from sls_server.store.embedded_watch import Watchdog

    owner = EmbeddedRedis(tmp_path).start()
    second = EmbeddedRedis(tmp_path).start()
    try:
        assert second.shared and not second.owns
        client = redis.Redis.from_url(second.url)
        client.set("user", "kept")
        client.bgrewriteaof()  # on disk, not only in the owner's memory
        wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, what="the AOF")
        watchdog = Watchdog(second)
        with caplog.at_level(logging.INFO, logger="sls_server.store.embedded_watch"):
            assert watchdog.check() is False and watch_lines(caplog) == []  # the owner's Redis answers
            owner.stop()
            assert watchdog.check() is False and watchdog.check() is False
        assert not second.shared and second.owns and second.process is not None
        assert client.get("user") == b"kept", "the same socket, the same AOF"
        said = watch_lines(caplog)
        assert [r.levelno for r in said] == [logging.WARNING], caplog.text
        assert "took it over" in said[0].getMessage()
        third = EmbeddedRedis(tmp_path).start()  # a server started later shares the new owner's
        assert third.shared and third.url == second.url
        third.stop()
        client.close()
        second.stop()
        assert not second.answers() and not second.owns
    finally:
        second.stop()
        owner.stop()


def test_a_sharer_waits_for_a_living_owner_to_start_its_redis_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The owner's redis-server killed while the owner lives: the owner's watchdog starts it again, and the
    sharer does not (two redis-servers would append to one AOF); it says once that it waits."""
    from sls_server.store.embedded_watch import Watchdog

    owner = EmbeddedRedis(tmp_path).start()
    second = EmbeddedRedis(tmp_path).start()
    try:
        assert owner.process is not None
        owner.process.kill()
        owner.process.wait()
        sharing = Watchdog(second)
        with caplog.at_level(logging.INFO, logger="sls_server.store.embedded_watch"):
            assert sharing.check() is False and sharing.check() is False
            assert second.shared and not second.owns and second.process is None
            assert Watchdog(owner).check() is True  # the owner's own watchdog
            assert sharing.check() is False
        said = [(r.levelno, r.getMessage()) for r in watch_lines(caplog)]
        waits = [m for level, m in said if level == logging.ERROR and "while that server still runs" in m]
        assert len(waits) == 1 and "answers again" in said[-1][1], said
        assert not any("took it over" in m for _, m in said)
    finally:
        second.stop()
        owner.stop()


def test_two_sharers_the_lock_decides_and_the_other_stays_a_sharer(tmp_path: Path) -> None:
    owner = EmbeddedRedis(tmp_path).start()
    first, second = EmbeddedRedis(tmp_path).start(), EmbeddedRedis(tmp_path).start()
    try:
        owner.stop()
        assert first.take_over() is True
        assert second.take_over() is False and second.shared and second.process is None
        assert second.answers(), "it shares the new owner's Redis"
    finally:
        for server in (second, first, owner):
            server.stop()


def test_a_takeover_waits_until_the_gone_owners_redis_server_has_exited(tmp_path: Path) -> None:
    """The owner killed, its redis-server (told to stop with it) may still be writing the AOF, not answering:
    a second redis-server then loaded a file still being written, and the first, exiting, removed the socket
    file the second listened on (every request 503, for good)."""
    import signal

    owner = EmbeddedRedis(tmp_path).start()
    second = EmbeddedRedis(tmp_path).start()
    try:
        assert owner.process is not None
        owner._release_lock()  # the owner gone, its redis-server still there
        owner.process.send_signal(signal.SIGSTOP)  # and busy: it does not answer
        assert not second.answers()
        assert second.take_over() is False and second.shared and not second.owns
        owner.process.kill()
        owner.process.wait()
        assert second.take_over() is True and second.answers()
    finally:
        second.stop()
        owner.stop()


def test_a_forked_child_holds_no_copy_of_the_owner_lock(tmp_path: Path) -> None:
    """``sls demo`` serves from a forked child, and gunicorn forks workers: a copy of the lock left open in
    one kept it held after the owner gave it up (or died), and no sharer took over while the child lived."""
    from sls_server.store.owner_lock import OwnerLock

    owner = EmbeddedRedis(tmp_path).start()
    told, tell = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: lives until told, as a worker outliving its master
        os.read(told, 1)
        os._exit(0)
    try:
        assert owner.owns
        owner.stop()
        lock = OwnerLock(tmp_path)
        assert lock.take() is True, "the child still held the owner lock"
        lock.release()
    finally:
        os.write(tell, b"x")
        os.waitpid(pid, 0)
        os.close(told)
        os.close(tell)
        owner.stop()


def test_hashes_with_a_password_hash_or_a_sealed_key_stay_compact(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path, appendonly=False) as server:
        client = redis.Redis.from_url(server.url)
        client.hset("user", mapping={"password_hash": "$argon2id$" + "x" * 90, "sealed": "s" * 215})
        assert client.object("encoding", "user") in (b"ziplist", b"listpack")


def test_the_watchdog_starts_a_dead_server_again_from_its_aof_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sls_server.store.embedded_watch import Watchdog

    with EmbeddedRedis(tmp_path / "redis") as server:
        client = redis.Redis.from_url(server.url)
        try:
            client.set("user", "kept")
            watchdog = Watchdog(server)
            assert watchdog.check() is False  # alive: nothing to do
            assert server.process is not None
            server.process.kill()  # SIGKILL: no goodbye, as the OOM killer does it
            server.process.wait()
            owner, server.parent_pid = server.parent_pid, -1
            assert watchdog.check() is False, "only the process that started it can tell it has exited"
            server.parent_pid = owner
            waits: list[float] = []
            sleep = time.sleep
            with monkeypatch.context() as patch:  # every wait asked, ours and redis-py's Retry's
                patch.setattr(time, "sleep", lambda s: (waits.append(s), sleep(s)))
                patch.setattr(redis.retry, "sleep", lambda s: (waits.append(s), sleep(s)))
                with caplog.at_level(logging.WARNING, logger="sls_server.store.embedded_watch"):
                    assert watchdog.check() is True
            assert (
                "embedded redis-server exited, killed by SIGKILL" in caplog.text and "is back" in caplog.text
            )
            # the killed server's socket file is still there: told from a live one at once, not after
            # redis-py's backoff for a refused connection (seconds of 503s after every crash)
            assert max(waits, default=0) <= 0.05, waits
            assert client.get("user") == b"kept"  # the same socket, the same AOF
            watchdog.stop()
            server.process.kill()
            server.process.wait()
            assert watchdog.check() is False, "stopped: a server stopped on purpose stays stopped"
            assert server.process.poll() is not None
        finally:
            client.close()


def test_the_watchdog_says_how_the_server_ended_only_when_it_is_known() -> None:
    """Under gunicorn the master reaps the redis-server too, and ``Popen`` then reads 0 for any exit."""
    from sls_server.store.embedded_watch import how_it_ended

    assert how_it_ended(-9) == ", killed by SIGKILL"
    assert how_it_ended(1) == " with code 1"
    assert how_it_ended(0) == ""
    assert how_it_ended(-200) == ", killed by signal 200"


def test_a_second_server_on_a_long_data_folder_shares_the_owners_socket(tmp_path: Path) -> None:
    """Each process used to make a fresh short folder of its own: the second one shared a socket nothing
    listened on. The owner says where its socket is; the second finds it there, and takes it over there."""
    data = tmp_path / ("l" * 110) / "redis"
    owner = EmbeddedRedis(data, appendonly=True).start()
    sharer = EmbeddedRedis(data, appendonly=True).start()
    try:
        assert sharer.shared and sharer.url == owner.url
        redis.Redis.from_url(owner.url).set("seen", "1")
        assert redis.Redis.from_url(sharer.url).get("seen") == b"1"
        folder = socket_path(owner).parent
        owner.stop()
        assert sharer.take_over() and sharer.url == owner.url
        assert redis.Redis.from_url(sharer.url).get("seen") == b"1"
        assert mode(folder) == 0o700
    finally:
        owner.stop()
        sharer.stop()
    assert not folder.exists()


def test_a_planted_socket_record_is_not_followed(tmp_path: Path) -> None:
    """The record of where the socket is names a folder anyone may enter: it is refused, not shared."""
    data = tmp_path / ("p" * 110) / "redis"
    owner = EmbeddedRedis(data, appendonly=False).start()
    elsewhere = tmp_path / "sls-redis-planted"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    (data / "redis.socket.path").write_text(str(elsewhere / "redis.sock"))
    (data / "redis.socket.path").chmod(0o600)
    try:
        with pytest.raises(RuntimeError, match="did not say where its socket is"):
            EmbeddedRedis(data, appendonly=False).start(timeout_s=0.3)
    finally:
        owner.stop()
