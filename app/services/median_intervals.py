"""The distribution-free 95 % interval of a median (contract v2).

With a company's n waits sorted x(1) <= ... <= x(n) and l = binom.ppf(0.025, n, 0.5)
(at least 1), the interval is [x(l), x(n - l + 1)]. l depends on n alone: it is
computed here with SciPy for the counts a refresh of the medians meets, and put in a
temporary table that the database joins, so that x(l) and x(n - l + 1) are found in
the histograms in the same pass as the median (``wait_metrics.median_parts``).
"""

from __future__ import annotations

from functools import lru_cache

from scipy.stats import binom
from sqlalchemy import BigInteger, Column, MetaData, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.models import WaitMonthCount
from app.periods import Period
from app.services.wait_metrics import CompanyIds, company_condition

RANKS = Table(
    "median_interval_ranks",
    MetaData(),
    Column("n", BigInteger, primary_key=True),
    Column("l", BigInteger),
)
_CREATE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS median_interval_ranks (n BIGINT PRIMARY KEY, l BIGINT)"
)


@lru_cache(maxsize=65_536)
def lower_rank(n: int) -> int:
    """l for n waits: the order statistic that opens the 95 % interval of their median."""
    return max(1, int(binom.ppf(0.025, n, 0.5)))


def prepare_ranks(
    session: Session, period: Period, channel: str, outcome: str, company_ids: CompanyIds
) -> None:
    """Fill ``RANKS`` with l for the count of every company of the group. The counts come
    from the month counts (answered = contacts - abandoned), which the ingest keeps in
    step with the histograms; a count they disagree on gets no interval, never a wrong one."""
    _ensure(session)
    wmc = WaitMonthCount
    counted = wmc.announced if outcome == "announced" else wmc.contacts - wmc.abandoned
    totals = (
        select(func.sum(counted).label("n"))
        .where(
            wmc.month.in_(period.months()),
            wmc.channel == channel,
            *company_condition(wmc.company_id, company_ids),
        )
        .group_by(wmc.company_id)
        .subquery()
    )
    counts = {int(n) for n in session.scalars(select(totals.c.n).distinct()) if n}
    if counts:
        session.execute(insert(RANKS), [{"n": n, "l": lower_rank(n)} for n in sorted(counts)])


def _ensure(session: Session) -> None:
    """The table, created on first use and emptied of any earlier group's counts."""
    create = _CREATE
    if session.get_bind().dialect.name == "postgresql":
        create += " ON COMMIT DROP"
    session.execute(text(create))
    session.execute(delete(RANKS))
