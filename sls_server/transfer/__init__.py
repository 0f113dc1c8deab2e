"""State export and import: a saved world as one versioned JSON document (``sls_server.shapes.state``),
read and written through the store's repositories and typed records, so the encoding stays in the store.

May import the store, the shapes, ``secretbox``-free standard crypto (an HMAC names the key) and the
accounts' pure rules (usernames, IP ranges); never Flask. ``export`` reads the world into a document (and
says what is in one and why); ``plan`` checks a whole document first (each record read by ``reading``);
``writing`` writes only a document that passed; ``service`` runs the two, with their events. ``reseal``
seals again what was sealed under the secret key itself, in the world stored and in a document imported.
"""

from .reseal import SecretsAtRest
from .service import StateTransfer

__all__ = ["SecretsAtRest", "StateTransfer"]
