"""``@frozen``: a record that no code may change once made, held to it by the type checker, and at run time a
plain slotted dataclass.

A ``@dataclass(frozen=True)``'s ``__init__`` sets each field through ``object.__setattr__``, some 1,400
instructions a field on Python 3.11, so the records a login flow builds (a device's 41 fields twice, the
login's, the session's, the user's, 25 queued writes, four events) cost it some 7 % of the app's
instructions for a guard against a mistake. The guard is kept where it is cheap: mypy, which CI runs strictly
over the whole package (``tests/unit/test_typecheck.py``), sees every ``@frozen`` class as a frozen
dataclass (PEP 681's ``frozen_default``) and refuses an assignment to a field; a test holds it to that
(``tests/unit/test_frozen.py``). At run time the class is ``@dataclass(slots=True, unsafe_hash=True)``: no
attribute added by mistake (slots), and hashed from its fields as a frozen one is.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypeVar

_Class = TypeVar("_Class", bound=type)

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    @dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
    def frozen(cls: _Class) -> _Class:
        """The type checker's view: a frozen dataclass."""
        return cls

else:

    def frozen(cls: _Class) -> _Class:
        """Run time's: a plain slotted dataclass (the module's docstring says why)."""
        return dataclasses.dataclass(slots=True, unsafe_hash=True)(cls)
