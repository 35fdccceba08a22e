"""Scrapers: fetch public sources and hand validated records to the ingest service.

They never touch the database themselves; ``app`` never imports them.
"""
