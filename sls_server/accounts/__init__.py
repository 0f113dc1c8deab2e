"""Who the users are: users and their passwords, their registered devices, IP allowlists and multi-user
accounts, and the client's address.

May import factors (a device is enrolled by its factor), store, events, errors and config; never Flask,
auth, sim or http: the login rules build on accounts, not the other way round.
"""
