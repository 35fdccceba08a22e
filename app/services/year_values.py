"""Keeps ``year_rank_values`` right: every company's ranked value of every metric in
every year, and its place in that yearly ranking and among its sector's companies.

The values are computed by the ranking's own rules, never by a second copy of them:
``Figures.values`` from the stored aggregates and ``rankable_values`` (the minimum
sample, no place for a count or rate of 0). So the table holds exactly the values a
yearly ``/rankings`` ranks. A write refreshes the values of the companies and years it
touched, in the families it can change (complaint and customer counts the counts and
rates, measurements the wait metrics), a chunk of companies at a time so that memory
holds one chunk's figures; then every ranking it touched is placed again in the
database, set-based: the place is SQL's ``RANK()`` by value, largest first, which is
``rank_among``'s rule (one more than the companies with a larger value; ties share).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Column, Integer, cast, delete, func, or_, select, tuple_, union, update
from sqlalchemy.orm import Session

from app.metrics import COUNT, MEDIAN, METRICS, RATE, SHARE, Metric
from app.models import (
    Company,
    ComplaintPeriodValue,
    CustomerCount,
    Sector,
    WaitMonthCount,
    YearRankValue,
)
from app.periods import Period
from app.services.bulk import (
    analyse_if_grown,
    create_temporary,
    insert_rows,
    remember,
    temporary_table,
)
from app.services.metrics import (
    Figures,
    load_counts,
    load_medians,
    load_year_tallies,
    rankable_values,
)
from app.services.wait_metrics import CompanyIds, company_condition

# The channel a company's places are counted on: its main one, as on its page.
PLACES_CHANNEL = "phone"
COUNTED_METRICS = tuple(m for m in METRICS.values() if m.family in (COUNT, RATE))
RATE_METRICS = tuple(m for m in METRICS.values() if m.family == RATE)
WAIT_METRICS = tuple(m for m in METRICS.values() if m.is_wait)
_TABLE = YearRankValue.metadata.tables[YearRankValue.__tablename__]
_COLUMNS = (
    "company_id", "metric", "year", "channel", "value_key", "sector_id",
    "rank", "ranked", "sector_rank", "sector_ranked",
)  # fmt: skip
# Values are kept in ten-thousandths, as 28 digits (see the model).
_SCALE = 10_000
_KEY_DIGITS = 28
# Companies whose values are computed together.
_CHUNK_COMPANIES = 500
# (company id, year)
CompanyYear = tuple[int, int]
# The (company, year) whose counts a batch added or changed, kept in the database rather
# than in Python (``create_temporary``), as the wait cells and complaint years are.
TOUCHED = temporary_table(
    "touched_value_years", Column("company_id", Integer), Column("year", Integer)
)
# (company, year) pairs read back at a time.
_TOUCHED_PAGE = 5_000


def channel_of(metric: Metric) -> str:
    """The channel a metric's yearly ranking is kept for ("" for counts, which have none)."""
    return PLACES_CHANNEL if metric.is_wait else ""


def value_key(value: Decimal) -> str:
    """A value as the text it is kept and ordered by (values are never negative)."""
    scaled = value * _SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than four decimals")
    return f"{int(scaled):0{_KEY_DIGITS}d}"


def value_of(key: str) -> Decimal:
    return Decimal(int(key)) / _SCALE


def stored_ranks(
    session: Session, metric: Metric, period: Period, channel: str, sector: str | None
) -> dict[int, int] | None:
    """Each company's place in a yearly ranking (among its sector's companies, when a
    sector is given), as kept here: what ranking every company of the period gives, read
    in one query. None where the table keeps no such ranking (a month, a quarter, or a
    wait ranking on a channel other than the one kept)."""
    if period.kind != "year" or (metric.is_wait and channel != PLACES_CHANNEL):
        return None
    yrv = YearRankValue
    place = yrv.rank if sector is None else yrv.sector_rank
    query = select(yrv.company_id, place).where(
        yrv.metric == metric.slug, yrv.year == period.year, yrv.channel == channel_of(metric)
    )
    if sector is not None:
        query = query.join(Sector, Sector.id == yrv.sector_id).where(Sector.slug == sector)
    # Core, not the ORM: thousands of plain rows.
    return dict(session.connection().execute(query).fetchall())


def refresh_year_values(
    session: Session, touched: Iterable[CompanyYear], metrics: Sequence[Metric]
) -> None:
    """Compute again the ranked values of ``metrics`` for every (company, year) touched
    (sorted by company, duplicates allowed), then place every ranking they are in."""
    years: set[int] = set()
    written = 0
    for chunk in _chunks(touched):
        chunk_years, rows = _refresh_chunk(session, chunk, metrics)
        years.update(chunk_years)
        written += rows
    _place_written(session, [metric.slug for metric in metrics], sorted(years), written)


def record_value_years(session: Session, touched: Iterable[CompanyYear]) -> None:
    """Remember (company, year) pairs for ``refresh_recorded_year_values``."""
    remember(session, TOUCHED, touched)


def refresh_recorded_year_values(session: Session, metrics: Sequence[Metric]) -> None:
    """``refresh_year_values`` for every (company, year) recorded, then forget them."""
    create_temporary(session, TOUCHED)
    refresh_year_values(session, _recorded_years(session), metrics)
    session.execute(delete(TOUCHED))


def _recorded_years(session: Session) -> Iterator[CompanyYear]:
    """The recorded pairs in order, without repeats, a page at a time (each page read
    whole before the refresh writes, so that memory holds one page however many)."""
    pair = tuple_(TOUCHED.c.company_id, TOUCHED.c.year)
    query = select(TOUCHED.c.company_id, TOUCHED.c.year).distinct()
    query = query.order_by(TOUCHED.c.company_id, TOUCHED.c.year).limit(_TOUCHED_PAGE)
    page = session.execute(query).all()
    while page:
        yield from ((company_id, year) for company_id, year in page)
        page = session.execute(query.where(pair > tuple_(*page[-1]))).all()


def refresh_company_year_values(
    session: Session, company_ids: Sequence[int], *, every_company: bool = False
) -> None:
    """Compute again every ranked value of some companies (or ``every_company``), every
    metric and year (after a merge, or for all companies after an upgrade)."""
    years = _years_with_data(session, None if every_company else company_ids)
    session.execute(delete(YearRankValue).where(YearRankValue.company_id.in_(company_ids)))
    written, every_metric, in_order = 0, list(METRICS.values()), sorted(company_ids)
    for start in range(0, len(in_order), _CHUNK_COMPANIES):
        chunk = {cid: set(years) for cid in in_order[start : start + _CHUNK_COMPANIES]}
        written += _refresh_chunk(session, chunk, every_metric)[1]
    # Every ranking of those years: a company merged into these left its places there.
    _place_written(session, list(METRICS), years, written)


def _place_written(session: Session, metrics: list[str], years: list[int], written: int) -> None:
    # PostgreSQL plans the placing by statistics: a table this write filled would be
    # taken for nearly empty, and joined to itself row by row (seconds a year).
    analyse_if_grown(session, [_TABLE.name], written)
    place_again(session, metrics, years)


def refresh_all_year_values(session: Session) -> int:
    """Compute every company's ranked values again; how many values were kept."""
    ids = list(session.scalars(select(Company.id).order_by(Company.id)))
    refresh_company_year_values(session, ids, every_company=True)
    return session.scalar(select(func.count()).select_from(YearRankValue)) or 0


def note_sectors(session: Session, company_ids: Sequence[int]) -> None:
    """Keep the sectors of some companies whose sector was just set, and place their
    sectors' part of every ranking they are in again."""
    yrv = YearRankValue
    years: set[int] = set()
    for start in range(0, len(company_ids), _CHUNK_COMPANIES):
        chunk = company_ids[start : start + _CHUNK_COMPANIES]
        sector = select(Company.sector_id).where(Company.id == yrv.company_id)
        changed = session.execute(
            update(yrv).where(yrv.company_id.in_(chunk)).values(sector_id=sector.scalar_subquery())
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            years.update(
                session.scalars(select(yrv.year).distinct().where(yrv.company_id.in_(chunk)))
            )
    # Once for every chunk: each year's rankings are placed again whole.
    place_again(session, list(METRICS), sorted(years))


def place_again(session: Session, metrics: Sequence[str], years: Sequence[int]) -> None:
    """Give every company its place again in the yearly rankings of ``metrics`` and
    ``years``, in the whole ranking and in its sector's part: one statement a year,
    rows whose places did not change left alone."""
    yrv = _TABLE.c
    field = (yrv.metric, yrv.year, yrv.channel)
    largest_first = (yrv.value_key.desc(),)
    in_sector = (*field, yrv.sector_id)
    for year in years:
        placed = (
            select(
                yrv.company_id,
                *field,
                func.rank().over(partition_by=field, order_by=largest_first).label("rank"),
                func.count().over(partition_by=field).label("ranked"),
                func.rank().over(partition_by=in_sector, order_by=largest_first).label("s_rank"),
                func.count().over(partition_by=in_sector).label("s_ranked"),
            )
            .where(yrv.year == year, yrv.metric.in_(metrics))
            .subquery("placed")
        )
        session.execute(
            update(_TABLE)
            .where(*(column == placed.c[column.name] for column in (yrv.company_id, *field)))
            .where(
                or_(
                    yrv.rank != placed.c.rank,
                    yrv.ranked != placed.c.ranked,
                    yrv.sector_rank != placed.c.s_rank,
                    yrv.sector_ranked != placed.c.s_ranked,
                )
            )
            .values(
                rank=placed.c.rank,
                ranked=placed.c.ranked,
                sector_rank=placed.c.s_rank,
                sector_ranked=placed.c.s_ranked,
            )
        )


def _years_with_data(session: Session, company_ids: CompanyIds) -> list[int]:
    """The years with figures (of some companies, when given)."""
    cpv, cc, wmc = ComplaintPeriodValue, CustomerCount, WaitMonthCount
    query = union(
        select(cpv.year).distinct().where(*company_condition(cpv.company_id, company_ids)),
        select(cc.year).distinct().where(*company_condition(cc.company_id, company_ids)),
        select(cast(func.substr(wmc.month, 1, 4), Integer))
        .distinct()
        .where(*company_condition(wmc.company_id, company_ids)),
    )
    return sorted({int(year) for year in session.scalars(query)})


def _chunks(touched: Iterable[CompanyYear]) -> Iterator[dict[int, set[int]]]:
    chunk: dict[int, set[int]] = {}
    for company_id, pairs in groupby(touched, itemgetter(0)):
        if company_id not in chunk and len(chunk) >= _CHUNK_COMPANIES:
            yield chunk
            chunk = {}
        chunk.setdefault(company_id, set()).update(int(year) for _cid, year in pairs)
    if chunk:
        yield chunk


def _refresh_chunk(
    session: Session, chunk: dict[int, set[int]], metrics: Sequence[Metric]
) -> tuple[list[int], int]:
    """Replace the chunk's values of ``metrics`` in its years (placed 0 until
    ``place_again``); the years, and how many values were written."""
    years = sorted({year for years in chunk.values() for year in years})
    yrv = YearRankValue
    slugs = [metric.slug for metric in metrics]
    for year in years:
        companies = [cid for cid, wanted in chunk.items() if year in wanted]
        session.execute(
            delete(yrv).where(
                yrv.year == year, yrv.company_id.in_(companies), yrv.metric.in_(slugs)
            )
        )
    figures = _figures(session, metrics, [str(year) for year in years], list(chunk))
    sectors = select(Company.id, Company.sector_id).where(Company.id.in_(list(chunk)))
    sector_of: dict[int, int | None] = dict(session.execute(sectors).all())
    rows = []
    for metric in metrics:
        channel = channel_of(metric)
        for year in years:
            found = figures.values(metric, Period(year, "year"), PLACES_CHANNEL)
            for cid, value in rankable_values(metric, found, chunk).items():
                if year in chunk[cid]:
                    key = value_key(value)
                    rows.append((cid, metric.slug, year, channel, key, sector_of[cid], 0, 0, 0, 0))
    insert_rows(session, _TABLE, _COLUMNS, rows)
    return years, len(rows)


def _figures(
    session: Session, metrics: Sequence[Metric], years: list[str], company_ids: list[int]
) -> Figures:
    """What ``metrics`` need in ``years`` for some companies: one query per family."""
    figures = Figures()
    families = {metric.family for metric in metrics}
    if families & {COUNT, RATE}:
        reads = sorted({m.reads for m in metrics if m.family in (COUNT, RATE)})
        rates = RATE in families
        load_counts(session, figures, reads, years, company_ids, with_customers=rates)
    if MEDIAN in families:
        outcomes = sorted({m.reads for m in metrics if m.family == MEDIAN})
        load_medians(session, figures, outcomes, years, [PLACES_CHANNEL], company_ids)
    if SHARE in families:
        load_year_tallies(session, figures, years, PLACES_CHANNEL, company_ids)
    return figures
