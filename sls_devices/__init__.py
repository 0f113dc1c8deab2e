"""Pure models of the authenticators (OCRA, OTP, the DSC+ card, IB Key, the phone, TOTP): no Flask, no Redis,
no I/O, no clock, and nothing of ``sls_server``.

Import the modules directly (``from devices import ocra, dscplus``); this package exports nothing
itself so importing one device never drags in another.
"""
