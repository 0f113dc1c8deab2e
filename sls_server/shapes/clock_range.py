"""The range the server keeps its clock in, declared once for the clock's shapes (``shapes.clock``), the core
and ``sls clock``: plain integers, no pydantic, so the CLI checks ``--set-at`` without loading the server's
stack (``tests/unit/test_cli_lazy.py``)."""

#: The server's clock stays within 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z (inclusive): every ``*_at``
#: is published as a non-negative Unix time, and nothing an emulated login does needs another century.
CLOCK_MIN = 946684800
CLOCK_MAX = 4102444800
CLOCK_RANGE = f"outside the clock's range, 2000-01-01 .. 2100-01-01 UTC ({CLOCK_MIN} .. {CLOCK_MAX})"
