"""Company search by name, alias or org number, answered from an index on both databases.

Every name and alias of a company is kept in ``search_terms`` as *terms*
(``app.names.search_terms``): the name folded (``app.names.fold_for_search``: case
folded, legal form removed, diacritics dropped so that å and ä become a and ö o,
every run of punctuation one space), then taken from the start of each of its words
to its end, spaces removed. "Drömnätet Fiber AB" gives "dromnatetfiber", which begins
the name, and "fiber". The query is folded the same way, spaces removed, and finds the
terms that begin with it: the range ``key <= term < key || U+10FFFF``, which the B-tree
index on ``(is_start, term)`` answers on SQLite and PostgreSQL alike (the column
compares by code point on both, so the range is exactly the terms with that prefix).

What matches, then: a query that begins a word of a name, and it may run on into the
words after it ("dromnatet fib", "fiber", "ÅSK" and "ask" for "Åskvägg"). Letters in
the middle of a word do not ("natet" does not find "Drömnätet"). Spaces and punctuation
in the query do not count, so LIKE's ``%`` and ``_`` are no wildcards: they are nothing.

Ranking: a name equal to the query, then names that begin with it, then names with a
later word that begins with it; ties in Swedish alphabetical order. The index is read
in two steps, each at most ``CANDIDATE_ROWS_PER_HIT`` rows per hit asked for, in term
order: terms that begin a name, and, only when those gave fewer companies than asked
for, the other terms. So when more names match than that (a query of one or two
letters), the ones ranked are those first in folded order, which can differ from the
Swedish order of the whole list at å, ä and ö.

Org numbers (``556677-8899``, digits with or without the dash, or a beginning of one)
are a range on the unique index of ``companies.org_number``; they rank with exact names.

The terms are written with the names: ``add_search_terms`` is called where a company
is created or an alias added (app.services.companies) and where a merge moves aliases
(app.services.merge). Deleting a company deletes its terms (ON DELETE CASCADE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Executable, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import Company, SearchTerm, Sector
from app.names import SEARCH_TERM_MAX_LENGTH, fold_for_search, search_terms, swedish_sort_key

MAX_QUERY_LENGTH = 200
CANDIDATE_ROWS_PER_HIT = 10
_ORG_DIGITS = re.compile(r"^(?:16)?\d[\d-]{1,11}$")
_AFTER_ANY_TERM = "\U0010ffff"  # sorts after every character a term can hold
_EXACT, _PREFIX, _OTHER = 0, 1, 2


@dataclass(frozen=True)
class SearchHit:
    slug: str
    name: str
    org_number: str | None
    sector: str | None  # the sector's slug
    matched: str  # the name, alias or org number that matched


def add_search_terms(session: Session, company_id: int, names: Iterable[str]) -> None:
    """Make ``names`` find the company: add the terms it lacks, mark those they begin."""
    add_many_search_terms(session, [(company_id, [list(names)])])


def add_many_search_terms(
    session: Session, companies: Iterable[tuple[int, list[list[str]]]]
) -> None:
    """``add_search_terms`` for many companies in one statement: for each company, its
    groups of names in the order they were given to it, each group as one call would
    add it (a kept term keeps the name it first came from)."""
    rows = []
    for company_id, groups in companies:
        terms: dict[str, tuple[str, bool]] = {}
        for group in groups:
            for term, (matched, is_start) in search_terms(group).items():
                kept = terms.get(term)
                terms[term] = (kept[0], kept[1] or is_start) if kept else (matched, is_start)
        rows += [
            {"company_id": company_id, "term": term, "matched": matched, "is_start": is_start}
            for term, (matched, is_start) in terms.items()
        ]
    if rows:
        session.execute(_upsert_terms(session.get_bind().dialect.name), rows)


@cache
def _upsert_terms(dialect: str) -> Executable:
    """Insert a term, or mark a kept one as a beginning; built once, as every alias runs it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = SearchTerm.metadata.tables[SearchTerm.__tablename__]
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=["company_id", "term"],
        set_={"matched": statement.excluded.matched, "is_start": True},
        where=statement.excluded.is_start & ~table.c.is_start,
    )


def _hit_columns() -> Select[int, str, str, str | None, str]:
    """A company's id and what a hit shows of it."""
    return select(
        Company.id, Company.slug, Company.name, Company.org_number, Sector.slug
    ).outerjoin(Sector, Sector.id == Company.sector_id)


def _org_number_range(q: str) -> tuple[str, str | None] | None:
    """The org numbers that begin like ``q``, with or without the dash: [low, high)."""
    compact = q.replace(" ", "")
    if not _ORG_DIGITS.match(compact):
        return None
    digits = compact.replace("-", "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) < 3 or len(digits) > 10:
        return None
    # The next number of as many digits bounds the range above (none after 999...), so
    # the range holds under any collation, not only a byte-wise one.
    following = str(int(digits) + 1).zfill(len(digits))
    high = _format_org_prefix(following) if len(following) == len(digits) else None
    return _format_org_prefix(digits), high


def _format_org_prefix(digits: str) -> str:
    return digits if len(digits) <= 6 else f"{digits[:6]}-{digits[6:]}"


def _org_hits(
    session: Session, low: str, high: str | None, rows: int
) -> dict[int, tuple[int, SearchHit]]:
    query = _hit_columns().where(Company.org_number >= low)
    if high is not None:
        query = query.where(Company.org_number < high)
    query = query.order_by(Company.org_number).limit(rows)
    return {
        company_id: (_EXACT, SearchHit(slug, name, org_number, sector, org_number or ""))
        for company_id, slug, name, org_number, sector in session.execute(query)
    }


def _term_hits(
    session: Session, key: str, *, is_start: bool, rows: int
) -> list[tuple[int, int, SearchHit]]:
    """(company id, score, hit) for the terms of one kind that begin with ``key``."""
    # The rows are bounded before the join, so that only they look up their company.
    terms = (
        select(SearchTerm.company_id, SearchTerm.term, SearchTerm.matched)
        .where(
            SearchTerm.is_start == is_start,
            SearchTerm.term >= key,
            SearchTerm.term < key + _AFTER_ANY_TERM,
        )
        .order_by(SearchTerm.term)
        .limit(rows)
        .subquery()
    )
    query = (
        _hit_columns()
        .add_columns(terms.c.term, terms.c.matched)
        .join(terms, terms.c.company_id == Company.id)
        .order_by(terms.c.term)
    )
    hits = []
    for company_id, slug, name, org_number, sector, term, matched in session.execute(query):
        score = _OTHER if not is_start else _EXACT if term == key else _PREFIX
        hits.append((company_id, score, SearchHit(slug, name, org_number, sector, matched)))
    return hits


def _keep_best(
    found: dict[int, tuple[int, SearchHit]], company_id: int, score: int, hit: SearchHit
) -> None:
    """Keep the better of two hits of one company: the lower score, then its own name."""
    if company_id in found:
        kept_score, kept = found[company_id]
        if (kept_score, kept.matched != kept.name) <= (score, hit.matched != hit.name):
            return
    found[company_id] = (score, hit)


def search_companies(session: Session, q: str, *, limit: int = 20) -> list[SearchHit]:
    """Companies whose name, alias or org number matches ``q``; best matches first.

    An exact name beats a name that begins with ``q``, which beats one with a later
    word that begins with it; ties are in Swedish alphabetical order. A blank ``q``
    finds nothing.
    """
    text = q.strip()[:MAX_QUERY_LENGTH]
    if not text or limit <= 0:
        return []
    rows = CANDIDATE_ROWS_PER_HIT * limit
    found: dict[int, tuple[int, SearchHit]] = {}
    org_range = _org_number_range(text)
    if org_range is not None:
        found.update(_org_hits(session, *org_range, rows))
    key = fold_for_search(text).replace(" ", "")[:SEARCH_TERM_MAX_LENGTH]
    if key:
        for is_start in (True, False):
            if not is_start and len(found) >= limit:
                break  # the other terms rank below every company already found
            for company_id, score, hit in _term_hits(session, key, is_start=is_start, rows=rows):
                _keep_best(found, company_id, score, hit)
    ordered = sorted(found.values(), key=lambda kept: (kept[0], swedish_sort_key(kept[1].name)))
    return [hit for _score, hit in ordered[:limit]]


__all__ = ["SearchHit", "add_search_terms", "search_companies"]
