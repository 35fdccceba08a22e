"""One module per source; see scrapers/base.py for what each declares."""
