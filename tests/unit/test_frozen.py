"""``@frozen`` (``sls_server.frozen``): the type checker refuses a change to a record's field, and at run time
the class is a plain slotted dataclass, made without ``object.__setattr__`` per field, hashed and compared
from its fields as a frozen dataclass is."""

from __future__ import annotations

import ast
import dataclasses
import sys
import textwrap
from pathlib import Path

import pytest
from mypy import api

from sls_server.frozen import frozen
from sls_server.store.events import _Append
from sls_server.store.records import DeviceRecord, Event, LockoutState, LoginTxn, SessionRecord, UserRecord
from sls_server.store.writebehind import Queued

ROOT = Path(__file__).parents[2]
#: The records a login flow makes, the ones ``@frozen`` was made for.
HOT = [DeviceRecord, Event, LockoutState, LoginTxn, SessionRecord, UserRecord, Queued, _Append]


def test_mypy_refuses_a_change_to_a_field_of_each_kind_of_record(tmp_path: Path) -> None:
    """The guard a frozen dataclass gave at run time is the type checker's now (CI runs it strictly)."""
    snippet = tmp_path / "changes.py"
    snippet.write_text(
        textwrap.dedent(
            """\
            from sls_server.store.events import _Append
            from sls_server.store.records import Event, LockoutState
            from sls_server.store.writebehind import Queued

            LockoutState().failures = 1
            Event(at=1, type="login.succeeded").user = "mallory"
            Queued(("PING",)).keys = ("k",)
            _Append(("a",)).args = ()
            """
        )
    )
    options = ["--strict", "--follow-imports=silent", "--no-incremental", "--cache-dir", str(tmp_path / "c")]
    limit = sys.getrecursionlimit()
    try:
        stdout, stderr, status = api.run([*options, str(snippet)])
    finally:  # mypy raises it to 16,384: later tests in this worker would parse deeper than a server
        sys.setrecursionlimit(limit)
    assert status == 1, stdout + stderr
    refused = [line for line in stdout.splitlines() if "is read-only" in line]
    assert [line.split(":")[1] for line in refused] == ["5", "6", "7", "8"], stdout


@pytest.mark.parametrize("kind", HOT, ids=lambda kind: kind.__name__)
def test_a_hot_record_is_made_without_setting_its_fields_through_object_setattr(kind: type) -> None:
    assert dataclasses.is_dataclass(kind)
    assert "__setattr__" not in kind.__init__.__code__.co_names  # type: ignore[misc]  # the generated one
    assert "__slots__" in vars(kind) and "__dict__" not in vars(kind)


def test_it_hashes_and_compares_from_the_fields_as_a_frozen_dataclass_does() -> None:
    @frozen
    class Point:
        x: int
        y: int = 0

    @dataclasses.dataclass(frozen=True)
    class Frozen:
        x: int
        y: int = 0

    assert Point(1, 2) == Point(1, 2) != Point(1, 3)
    assert hash(Point(1, 2)) == hash(Point(1, 2)) == hash(Frozen(1, 2))
    assert {Point(1, 2), Point(1, 2)} == {Point(1, 2)}
    with pytest.raises(AttributeError):
        Point(1).z = 3  # type: ignore[attr-defined]  # slots: no attribute added by mistake


def test_every_record_of_the_store_is_frozen_one_way() -> None:
    """One way to make a record: none of the store's is a ``@dataclass`` of its own any more."""
    for path in sorted((ROOT / "sls_server" / "store" / "records").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                named = [ast.unparse(d) for d in node.decorator_list]
                assert not any(d.startswith("dataclass") for d in named), (path.name, node.name, named)
