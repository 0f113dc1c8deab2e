"""The web pages' own side: Jinja templates and static files (one CSS file, small plain-JS files), and the
page logic that needs no Flask: the broker's wording for each outcome (``wording``), the audit trail in a
trainer's words (``event_words``' table, built of ``event_line`` and ``event_phrases``; ``event_tones``, what
each event means) and the small state the pages keep sealed in the browser's cookies (``sealed``).

May import the core (errors, secretbox, devices) but never Flask or ``store``: the routes that render these
templates live in ``sls_server.http.pages`` and reach state only through the core's services.
"""
