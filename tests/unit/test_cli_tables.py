"""Tables on a terminal narrower than they are (80 columns, a split pane): no value is cut. The prose columns
give way first; ids stay on one line while they fit, and fold onto the next line of their cell when even
they do not, never losing their end (``sls device list`` on 80 columns printed "dscplus-4e953109bf0" for
dscplus-4e953109bf0e)."""

from __future__ import annotations

import pytest

from sls_server.cli import output
from sls_server.cli.output import print_renderable, table

DEVICES = [
    ["dscplus-4e953109bf0e", "dscplus", "active", "ok", "5-2817-07977", "2026-12-01 13:00", "Mia's DSC+"],
    ["ibkey-f94e039e5f70", "ibkey", "active", "ok", "-", "2026-12-01 13:00", "ibkey ibkey-f94e039e5f70"],
]
COLUMNS = ["device_id", "type", "status", "state", "serial", "created (UTC)", "label"]


def whole_in(lines: list[str], value: str) -> bool:
    """``value`` is in the table, in one cell: on one line, or folded onto the lines below at the same offset
    (cells are apart by two spaces or more; a wrapped value loses only the space it wrapped at)."""
    want = "".join(value.split())
    for i, line in enumerate(lines):
        start = line.find(value[:3])
        while start != -1:
            got = ""
            for below in lines[i:]:
                piece = "".join(below[start:].split("  ")[0].split()) if len(below) > start else ""
                if not piece or not want.startswith(got + piece):
                    break
                got += piece
            if got == want:
                return True
            start = line.find(value[:3], start + 1)
    return False


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout taken for a terminal; its width is COLUMNS, as rich reads it."""
    monkeypatch.setattr(output, "is_terminal", lambda stream: True)


@pytest.mark.parametrize("width", [60, 80, 100, 140])
@pytest.mark.usefixtures("terminal")
def test_no_value_is_cut_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    print_renderable(table("devices of multi-mia", COLUMNS, DEVICES, wrap=["label"]))
    printed = capsys.readouterr().out
    assert max(len(line) for line in printed.splitlines()) <= width, printed
    lines = printed.splitlines()
    for row in DEVICES:
        for value in row:
            assert whole_in(lines, value), (value, printed)


@pytest.mark.usefixtures("terminal")
def test_ids_stay_on_one_line_while_the_prose_can_give_way(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "110")
    print_renderable(table("devices of multi-mia", COLUMNS, DEVICES, wrap=["label"]))
    lines = capsys.readouterr().out.splitlines()
    for row in DEVICES:
        assert any(row[0] in line and row[4] in line and row[5] in line for line in lines), lines
