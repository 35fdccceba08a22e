"""Domain errors the web layer maps to HTTP answers in one place (``app.main``)."""

from __future__ import annotations

from collections.abc import Sequence


class QueryWordError(Exception):
    """A word of a query that is wrong. The message is the API's English detail; ``what``
    (which word: metric, period, channel, sector, dialect), ``word`` (what it said) and
    ``choices`` (what it may say) let a page say the same in its own language."""

    def __init__(
        self, message: str, *, what: str = "", word: str = "", choices: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.what = what
        self.word = word
        self.choices = tuple(choices)


class BadQueryError(QueryWordError, ValueError):
    """A request names something we do not know (a metric, period, channel, sector,
    dialect): answered 422 with the message, as a page or as JSON."""


class UnknownNameError(QueryWordError, LookupError):
    """A query names a thing that could exist but does not (a sector): answered 404, as
    an unknown company is. A word that can never be right (a metric, a malformed period)
    is a BadQueryError."""
