"""The IBKR Mobile app on the user's simulated phone: ``app`` is what the user does with it (activate, add a
user, approve or deny a push, answer a challenge), ``migration`` moving it to a new phone, ``phone_storage``
the app's record on the phone.

Same import rules as ``sls_server.sim``.
"""
