"""The mutant generator of ``scripts/lua_mutation.py``: each operator makes the mutant it says on a small Lua
text, comments and strings are never mutated, and the script on disk is the original again after each
mutant, also when the run stops with an exception (it edits the store's scripts in place)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lua_mutation", ROOT / "scripts" / "lua_mutation.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["lua_mutation"] = module
    spec.loader.exec_module(module)
    return module


lm = _load()


def changes(text: str) -> list[tuple[str, str, str]]:
    return [(m.operator, m.original, m.replacement) for m in lm.mutants(text)]


def mutated(text: str) -> list[str]:
    return [lm.apply(text, m) for m in lm.mutants(text)]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("if a < b then", "if a <= b then"),
        ("if a <= b then", "if a < b then"),
        ("if a > b then", "if a >= b then"),
        ("if a >= b then", "if a > b then"),
        ("if a == b then", "if a ~= b then"),
        ("if a ~= b then", "if a == b then"),
        ("if a and b then", "if a or b then"),
        ("if a or b then", "if a and b then"),
        ("local t = true", "local t = false"),
        ("local f = false", "local f = true"),
        ("local n = math.min(a, b)", "local n = math.max(a, b)"),
        ("local n = a + b", "local n = a - b"),
        ("local n = a - b", "local n = a + b"),
        ("if not a then", "if a then"),
    ],
)
def test_each_swap_makes_its_mutant(code: str, expected: str) -> None:
    assert expected in mutated(code)


def test_a_constant_moves_by_one_both_ways_and_never_below_zero() -> None:
    assert changes("local n = now + 30") == [
        ("swap", "+", "-"),
        ("number", "30", "31"),
        ("number", "30", "29"),
    ]
    assert changes("return 0") == [("number", "0", "1"), ("return changed", "0", "nil")]


def test_a_subscript_a_unary_minus_and_a_concatenation_are_left_alone() -> None:
    assert changes("local k = KEYS[1] .. ARGV[2]") == []
    assert changes("local x = redis.call('ZRANGE', KEYS[1], 0, -1)") == [
        ("number", "0", "1"),
        ("number", "1", "2"),
        ("number", "1", "0"),
    ]


def test_a_redis_call_statement_is_dropped_but_not_one_whose_answer_is_kept() -> None:
    text = "redis.call('DEL', KEYS[1])\nlocal n = redis.call('INCR', KEYS[2])"
    assert ("redis.call dropped", "redis.call('DEL', KEYS[1])", "") in changes(text)
    assert "\nlocal n = redis.call('INCR', KEYS[2])" in mutated(text)
    assert [c for c in changes(text) if c[0] == "redis.call dropped"] == [
        ("redis.call dropped", "redis.call('DEL', KEYS[1])", "")
    ]


def test_a_returned_table_loses_its_last_element_and_anything_else_becomes_nil() -> None:
    assert ("return changed", "{'locked', until, n}", "{'locked', until}") in changes(
        "return {'locked', until, n}"
    )
    assert ("return changed", "{'ok', f(a, b)}", "{'ok'}") in changes("return {'ok', f(a, b)}")
    assert ("return changed", "{'busy'}", "nil") in changes("return {'busy'}")
    assert ("return changed", "x", "nil") in changes("return x")
    assert changes("return nil") == []
    assert changes("return  -- nothing to say: written already") == []  # a bare return, its comment kept
    assert changes("return x  -- the id") == [("return changed", "x", "nil")]


def test_comments_and_strings_are_never_mutated() -> None:
    text = (
        "-- if a < b and 1 == 2 then return true\n"
        "--[[ a > b or\n not c ]]\n"
        'local s = \'a < b and 1\' .. "x == 2 \\" or 3" .. [[ true ]]\n'
    )
    assert changes(text) == []
    assert lm.code_mask(text).count("\n") == text.count("\n")


def test_a_mutant_on_a_line_with_a_comment_changes_only_the_code() -> None:
    assert mutated("if a < b then -- a < b") == ["if a <= b then -- a < b"]


def test_the_script_is_the_original_again_after_each_mutant_and_after_an_exception(tmp_path: Path) -> None:
    script = tmp_path / "s.lua"
    original = "if a < b and c then\n  return 1\nend\n"
    script.write_text(original)
    every = lm.mutants(original)
    seen = []
    for _mutant in lm.each_mutant(script, every):
        seen.append(script.read_text())
    assert seen == [lm.apply(original, m) for m in every] and len(set(seen)) == len(seen)
    assert script.read_text() == original
    with pytest.raises(KeyboardInterrupt):
        for _ in lm.each_mutant(script, every):
            assert script.read_text() != original
            raise KeyboardInterrupt
    assert script.read_text() == original


def test_the_broken_mutant_raises_before_the_script_does_anything() -> None:
    assert lm.apply("-- a comment\nlocal a = 1", lm.BROKEN) == (
        "error('lua_mutation: broken on purpose') -- a comment\nlocal a = 1"
    )
