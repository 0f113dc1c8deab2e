"""The gunicorn settings ``sls serve`` derives from the server's own configuration."""

from __future__ import annotations

from gunicorn.config import Config

from sls_server.cli.gunicorn_app import forwarded_allow_ips


def test_no_trusted_proxies_means_gunicorn_believes_no_peer(monkeypatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # not even gunicorn's own variable widens it
    monkeypatch.setenv("SLS_TRUSTED_PROXIES", "10.0.0.0/8")  # nor the CLI's environment: the mapping rules
    assert forwarded_allow_ips({}) == ""
    config = Config()
    config.set("forwarded_allow_ips", forwarded_allow_ips({"TRUSTED_PROXIES": []}))
    assert config.forwarded_allow_ips == []


def test_trusted_proxies_are_handed_to_gunicorn_as_networks() -> None:
    value = forwarded_allow_ips({"TRUSTED_PROXIES": ["127.0.0.1", "10.1.2.3/8", "2001:db8::/32"]})
    assert value == "127.0.0.1/32,10.0.0.0/8,2001:db8::/32"
    config = Config()
    config.set("forwarded_allow_ips", value)  # gunicorn validates strictly: host bits must be clear
    assert config.forwarded_allow_ips == ["127.0.0.1/32", "10.0.0.0/8", "2001:db8::/32"]


def test_a_worker_quits_once_whatever_else_arrives_meanwhile() -> None:
    """Ctrl-C gives each worker SIGINT from the terminal and SIGQUIT from the master: the second, landing
    inside the first handler, must not run it again (gthread's would deadlock on its pool's lock)."""
    import os
    import signal

    from sls_server.cli.worker_signals import quit_once

    calls: list[int] = []

    class Worker:
        def handle_quit(self, signum: int, frame: object) -> None:
            calls.append(signum)
            os.kill(os.getpid(), signal.SIGQUIT)  # the master's SIGQUIT, arriving mid-handler
            for _ in range(1000):  # bytecode boundaries, where Python runs pending handlers
                pass

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGQUIT)}
    try:
        quit_once(Worker())
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        assert calls == [signal.SIGINT]
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_quit_signal_pending_beside_the_first_is_dropped_without_a_traceback() -> None:
    """Ctrl-C's SIGINT and the master's SIGQUIT usually both land before Python runs a handler: the second
    found its handler turned to SIG_IGN, and CPython wrote "OSError: Signal 3 ignored due to race condition"
    with a traceback into the log of `sls demo` as it stopped."""
    import signal
    import sys
    import threading

    from sls_server.cli.worker_signals import quit_once

    calls: list[int] = []
    unraisable: list[BaseException | None] = []

    class Worker:
        def handle_quit(self, signum: int, frame: object) -> None:
            calls.append(signum)

    both = {signal.SIGINT, signal.SIGQUIT}
    saved = {sig: signal.getsignal(sig) for sig in both}
    hook = sys.unraisablehook
    sys.unraisablehook = lambda raised: unraisable.append(raised.exc_value)
    try:
        quit_once(Worker())
        signal.pthread_sigmask(signal.SIG_BLOCK, both)  # both pending at once, then delivered together
        for sig in (signal.SIGINT, signal.SIGQUIT):
            signal.pthread_kill(threading.get_ident(), sig)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, both)
        for _ in range(1000):  # bytecode boundaries, where Python runs pending handlers
            pass
        assert calls == [signal.SIGINT]
        assert unraisable == []
    finally:
        sys.unraisablehook = hook
        signal.pthread_sigmask(signal.SIG_UNBLOCK, both)
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_workers_first_interrupt_waits_for_the_masters_graceful_stop_and_a_second_quits() -> None:
    """Ctrl-C reaches every worker from the terminal: the first is left to the master (which sends SIGTERM),
    not gunicorn's quick quit; Ctrl-C again quits, once, whatever the master sends meanwhile."""
    import os
    import signal

    from sls_server.cli.worker_signals import leave_first_interrupt_to_the_master, quit_once

    calls: list[str] = []

    class Worker:
        def handle_quit(self, signum: int, frame: object) -> None:
            calls.append("quit")

    def graceful(signum: int, frame: object) -> None:  # what end_streams_on_exit installs
        calls.append("drain")

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)}
    try:
        quit_once(Worker())
        signal.signal(signal.SIGTERM, graceful)
        leave_first_interrupt_to_the_master()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGINT):
            os.kill(os.getpid(), sig)
            for _ in range(1000):  # bytecode boundaries, where Python runs pending handlers
                pass
        assert calls == ["drain", "quit"]
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_worker_freezes_what_it_built_so_a_full_collection_skips_it(app_config, collector_unfrozen) -> None:
    """A full collection in a worker must not walk the app it built at start-up (tens of thousands of
    objects, every thread stalled meanwhile): ``load`` leaves them in the collector's permanent generation."""
    import gc
    from types import SimpleNamespace

    from flask import Flask

    from sls_server.cli.gunicorn_app import SlsApplication

    gc.unfreeze()
    try:
        run = "d" * 32  # the master's, as each worker's app answers it
        worker = SimpleNamespace(app_config=app_config, instance_id=run, _quiet_token=None, key_checked=True)
        app = SlsApplication.load(worker)  # type: ignore[arg-type]  # duck-typed: see the line above
        assert isinstance(app, Flask)
        assert app.test_client().get("/healthz").get_json()["instance_id"] == run
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this test process goes on collecting as before


def test_a_forked_worker_takes_its_share_of_the_cores_for_password_hashes() -> None:
    """As many workers as cores: one Argon2id derivation at a time in each (``derivation_turns``)."""
    import os
    import threading
    from types import SimpleNamespace

    from sls_server.accounts.derivation_turns import share_cores, turn
    from sls_server.cli.gunicorn_app import SlsApplication

    cores = len(os.sched_getaffinity(0))
    master = SimpleNamespace(_in_master_only=[], options={"workers": cores})  # all that _post_fork reads
    try:
        SlsApplication._post_fork(master, server=None, worker=None)  # type: ignore[arg-type]  # duck-typed
        slots = turn(1)
        assert isinstance(slots, threading.BoundedSemaphore)
        assert slots.acquire(blocking=False)
        assert not slots.acquire(blocking=False)
        slots.release()
    finally:
        share_cores(1)  # this test process: every core again


def test_a_worker_of_a_start_that_could_not_check_the_key_checks_it_before_serving(
    redis_url: str, tmp_path, admin_headers, collector_unfrozen: None
) -> None:
    """``serve_run`` hands each worker its start's ``key_checked``: False (Redis did not answer then) and the
    worker's app checks ``SLS_SECRET_KEY`` itself before it serves (``key_gate``)."""
    from types import SimpleNamespace

    from conftest import config_on

    from sls_server.cli.gunicorn_app import SlsApplication
    from sls_server.config import load_settings
    from sls_server.runtime import claim_secret_key

    assert claim_secret_key(load_settings({"redis_url": redis_url, "secret_key": "cd" * 32}, environ={}))
    config = config_on(redis_url, tmp_path / "data", SECRET_KEY="ab" * 32)
    worker = SimpleNamespace(app_config=config, instance_id="e" * 32, _quiet_token=None, key_checked=False)
    try:
        app = SlsApplication.load(worker)  # type: ignore[arg-type]  # duck-typed, as above
        answer = app.test_client().get("/admin/v1/users", headers=admin_headers)
    finally:
        import gc

        gc.unfreeze()
    assert answer.status_code == 503, answer.get_json()
