"""Pure models of the authenticators (OCRA, the DSC+ card): no Flask, no Redis, no I/O, no clock.

Import the modules directly (``from devices import ocra, dscplus``); this package exports nothing
itself so importing one device never drags in another.
"""
