"""The simulated user's side of the world, mirroring ``/sim/v1``: the DSC+ card in their hand, the IBKR Mobile
app on their phone, phones and the carrier that delivers texts and calls, security notices, speech; and the
trainer console's views across both sides (staged attacks, the users table).

May import devices, factors, accounts, store, events and errors, and auth only through ``sls_server.auth``
(its exported API, never its modules); never Flask or http.
"""
