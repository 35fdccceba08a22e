"""Domain errors the web layer maps to HTTP answers in one place (``app.main``)."""

from __future__ import annotations


class BadQueryError(ValueError):
    """A request names something we do not know (a metric, period, channel, sector,
    dialect): answered 422 with the message, as a page or as JSON."""


class UnknownNameError(LookupError):
    """A query names a thing that could exist but does not (a sector): answered 404, as
    an unknown company is. A word that can never be right (a metric, a malformed period)
    is a BadQueryError."""
