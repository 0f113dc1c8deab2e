"""A worker killed at a chosen point: the real code stopped right after one step, as a dying process stops
there (nothing after it runs), for the tests of what another request finishes after such a kill; and a
request stalled at one (:func:`race_once`), while another runs to its answer."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sls_server.errors import StoreUnavailable


class WorkerKilled(BaseException):
    """What a killed worker does at the point it dies: nothing after it runs (Flask catches no
    ``BaseException``, so no error answer is written either)."""


def die_after(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, nth: int) -> list[int]:
    """``owner.name`` killing its worker right after its ``nth`` call (that call done); the calls it saw.
    The calls after pass through: the request finishing the work runs as it would."""
    real = getattr(owner, name)
    calls: list[int] = []

    def call_then_die(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)
        calls.append(len(calls) + 1)
        if len(calls) == nth:
            raise WorkerKilled()
        return answer

    monkeypatch.setattr(owner, name, call_then_die)
    return calls


#: How a request is cut: Redis gone for good (the request answers 503), or the worker killed (no answer).
CUTS: dict[str, Callable[[], BaseException]] = {"redis_lost": StoreUnavailable, "worker_killed": WorkerKilled}


def cut_after(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, cut: str) -> list[str]:
    """``owner.name`` cut right after its first call (that call done), in ``cut``'s way (:data:`CUTS`); the
    cuts made, one at most. The calls after pass through: the request finishing the work runs as it would."""
    real = getattr(owner, name)
    cuts: list[str] = []

    def call_then_cut(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)
        if not cuts:
            cuts.append(cut)
            raise CUTS[cut]()
        return answer

    monkeypatch.setattr(owner, name, call_then_cut)
    return cuts


def deleted_and_cut(client: Any, path: str, headers: dict[str, str], cut: str) -> None:
    """``DELETE path`` stopped by a cut :func:`cut_after` set: a killed worker writes no answer, Redis lost
    for good is a 503."""
    if cut == "worker_killed":
        with pytest.raises(WorkerKilled):
            client.delete(path, headers=headers)
    else:
        assert client.delete(path, headers=headers).status_code == 503


def finished_made_again_and_cut(
    app: Any,
    monkeypatch: pytest.MonkeyPatch,
    *,
    path: str,
    create: str,
    body: dict[str, Any],
    headers: dict[str, str],
    repo: Any,
    step: str,
) -> list[int]:
    """What another request does while one stalls: finishes the deletion at ``path``, makes the thing again
    (``create`` with ``body``) and deletes it again, that worker killed right after ``repo.step``; the
    statuses of the finish and the create."""
    other = app.test_client()
    answers = [other.delete(path, headers=headers).status_code]
    answers.append(other.post(create, json=body, headers=headers).status_code)
    die_after(monkeypatch, repo, step, 1)
    with pytest.raises(WorkerKilled):
        other.delete(path, headers=headers)
    return answers


def race_once(
    monkeypatch: pytest.MonkeyPatch,
    owner: Any,
    name: str,
    then: Callable[[], Any],
    when: Callable[..., bool] = lambda *args, **kwargs: True,
) -> list[Any]:
    """Make ``owner.name`` run ``then``, to its answer, on another thread right after its first call that
    ``when`` accepts (the call's own answer stands as it was: what the request goes on with); the answers
    ``then`` gave. Once only: the racing request's own call is not raced again."""
    answers: list[Any] = []
    real = getattr(owner, name)

    def call_then(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)
        if not answers and when(*args, **kwargs):
            answers.append(None)
            with ThreadPoolExecutor(1) as pool:
                answers[0] = pool.submit(then).result()
        return answer

    monkeypatch.setattr(owner, name, call_then)
    return answers
