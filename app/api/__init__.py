"""The JSON API: imports, rankings, companies, search, replies, editions and health,
each documented in /openapi.json by the models beside them (``models``, ``import_docs``)."""
