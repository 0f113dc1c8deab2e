"""The tests' own rule for the session's Redis (``redis_url``, of the topology ``SLS_TEST_REDIS`` names): a
test opens its own connection to it through ``sls_server.store.connect``, which reads every topology's URL.
``redis.Redis.from_url`` reads no ``redis+cluster://`` or ``redis+sentinel://``, and eight tests failed under
``SLS_TEST_REDIS=cluster`` for it, where CI's single redis-server never showed it. Only a function held to one
redis-server (a skip or an assertion naming ``TOPOLOGY``) may open it so, for that server's own counters."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parents[1]


def _names_redis_py(owner: ast.expr) -> bool:
    """``redis.Redis`` or ``Redis`` (redis-py's client), not ``Store`` or another class reading every URL."""
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    return name in ("Redis", "StrictRedis")


def _opens_the_session_redis_by_hand(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "from_url"
            and _names_redis_py(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "redis_url"
        ):
            return True
    return False


def _names_one_server(part: ast.AST) -> bool:
    """``TOPOLOGY`` named, or one of the modules' names for a skip by it (``single_redis``, ...)."""
    return any(
        isinstance(node, ast.Name) and (node.id == "TOPOLOGY" or node.id.startswith("single_redis"))
        for node in ast.walk(part)
    )


def _held_to_one_server(function: ast.FunctionDef) -> bool:
    """Skipped on the other topologies (its decorators) or refusing them (its body)."""
    return any(_names_one_server(part) for part in (*function.decorator_list, *function.body))


def _module_held_to_one_server(module: ast.Module) -> bool:
    """The whole module skipped on the other topologies (``pytestmark``)."""
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets)
        and _names_one_server(node.value)
        for node in module.body
    )


def test_a_test_opens_the_session_redis_through_connect() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        module = ast.parse(path.read_text(), str(path))
        if _module_held_to_one_server(module):
            continue
        for node in ast.walk(module):
            if (
                isinstance(node, ast.FunctionDef)
                and _opens_the_session_redis_by_hand(node)
                and not _held_to_one_server(node)
            ):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
    assert not found, "open redis_url with sls_server.store.connect (every topology's URL):\n" + "\n".join(
        found
    )


def test_the_rule_sees_a_connection_opened_by_hand() -> None:
    """The check finds what it looks for: a function opening ``redis_url`` by hand, held or not."""
    loose, held = ast.parse(
        "def test_a(redis_url):\n    Store.from_url(redis_url)\n"
        "    redis.Redis.from_url(redis_url).get('k')\n"
        "@pytest.mark.skipif(TOPOLOGY != 'single', reason='one server')\n"
        "def test_b(redis_url):\n    redis.Redis.from_url(redis_url).get('k')\n"
    ).body
    assert isinstance(loose, ast.FunctionDef) and isinstance(held, ast.FunctionDef)
    store_only = ast.parse("def test_c(redis_url):\n    Store.from_url(redis_url)\n").body[0]
    assert isinstance(store_only, ast.FunctionDef) and not _opens_the_session_redis_by_hand(store_only)
    assert _opens_the_session_redis_by_hand(loose) and not _held_to_one_server(loose)
    assert _opens_the_session_redis_by_hand(held) and _held_to_one_server(held)
