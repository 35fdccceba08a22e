"""The JSON API: imports, health, and (later) the read API."""
