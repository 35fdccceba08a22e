"""Every metric of the contract, computed for any periods: value and sample size per company.

The values come from the aggregates the ingest service keeps, never from the
measurements: ``complaint_period_values`` (counts with the contract's period
rule applied) and ``customer_counts`` for counts and rates,
``wait_period_medians`` for medians, ``wait_month_counts`` for shares. Each
family is read with one query, whatever the number of periods asked for, so a
page's statements stay few and its cost follows companies, not measurements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from app.metrics import COUNT, MEDIAN, RATE, Metric, get_metric
from app.models import ComplaintPeriodValue, CustomerCount, WaitMonthCount, WaitPeriodMedian
from app.periods import Period
from app.services.wait_metrics import (
    CompanyIds,
    company_condition,
    latest_month,
    month_counts,
    share,
    stored_median,
)

_SHARE_POSITION = {"abandoned": 1, "slow": 2}
# (contacts, abandoned, slow)
Tally = tuple[int, int, int]


class MetricValue(NamedTuple):
    """A tuple, not a dataclass: a ranking makes thousands."""

    value: Decimal
    # Contacts (or answered contacts, or announcements) behind a wait metric; None for counts.
    sample_size: int | None = None
    # A rate's complaints and customers, a share's counted and all contacts: what its
    # interval and signal are computed from (app.services.uncertainty).
    part: int | None = None
    whole: int | None = None
    # A median's 95 % interval in whole seconds, as stored with it (None where not
    # computed): plain integers, as the ranking counts places from thousands of them.
    low: int | None = None
    high: int | None = None


@dataclass
class Figures:
    """The stored aggregates some companies have in some periods, read once per family;
    ``values`` computes any metric from them."""

    # (complaint metric, period) -> company -> count
    counts: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)
    # (company, year) -> customers
    customers: dict[tuple[int, int], int] = field(default_factory=dict)
    # (outcome, channel, period) -> company -> its median, how many waits and the interval
    medians: dict[tuple[str, str, str], dict[int, MetricValue]] = field(default_factory=dict)
    # (channel, period or month) -> company -> (contacts, abandoned, slow)
    tallies: dict[tuple[str, str], dict[int, Tally]] = field(default_factory=dict)

    def values(self, metric: Metric, period: Period, channel: str) -> dict[int, MetricValue]:
        if metric.family == COUNT:
            found = self.counts.get((metric.reads, str(period)), {})
            return {cid: MetricValue(Decimal(v)) for cid, v in found.items()}
        if metric.family == RATE:
            return self._rates(metric, period)
        if metric.family == MEDIAN:
            return dict(self.medians.get((metric.reads, channel, str(period)), {}))
        return self._shares(metric, period, channel)

    def _rates(self, metric: Metric, period: Period) -> dict[int, MetricValue]:
        rates = {}
        for cid, count in self.counts.get((metric.reads, str(period)), {}).items():
            customers = self.customers.get((cid, period.year))
            if customers:
                rate = Decimal(count) * 100_000 / Decimal(customers)
                rounded = rate.quantize(metric.step, ROUND_HALF_UP)
                rates[cid] = MetricValue(rounded, None, count, customers)
        return rates

    def _shares(self, metric: Metric, period: Period, channel: str) -> dict[int, MetricValue]:
        position = _SHARE_POSITION[metric.reads]
        return {
            cid: MetricValue(share(tally[position], tally[0]), tally[0], tally[position], tally[0])
            for cid, tally in self.period_tallies(period, channel).items()
            if tally[0]
        }

    def period_tallies(self, period: Period, channel: str) -> dict[int, Tally]:
        """Each company's contacts in the period: summed in SQL, or from its months here."""
        if (channel, str(period)) in self.tallies:
            return self.tallies[channel, str(period)]
        summed: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for month in period.months():
            for cid, tally in self.tallies.get((channel, month), {}).items():
                for index, n in enumerate(tally):
                    summed[cid][index] += n
        return {cid: (a, b, c) for cid, (a, b, c) in summed.items()}


def load_counts(
    session: Session,
    figures: Figures,
    reads: Sequence[str],
    periods: Sequence[str] | None,
    company_ids: CompanyIds,
    *,
    with_customers: bool,
) -> None:
    """Complaint counts (and, for rates, the customers of the period's year): one query."""
    cpv = ComplaintPeriodValue
    conditions = [cpv.metric.in_(reads), *company_condition(cpv.company_id, company_ids)]
    if periods is not None:
        conditions.append(cpv.period.in_(periods))
    # Without customers the query reads only its index (metric, period, value, company).
    query = select(cpv.company_id, cpv.metric, cpv.period, cpv.value)
    if with_customers:
        query = query.add_columns(CustomerCount.year, CustomerCount.customers).outerjoin(
            CustomerCount,
            (CustomerCount.company_id == cpv.company_id) & (CustomerCount.year == cpv.year),
        )
    # Core, not the ORM: thousands of plain rows, without per-row ORM bookkeeping.
    rows: Any = session.connection().execute(query.where(*conditions)).fetchall()
    for cid, metric, period, value, *customers in rows:
        figures.counts.setdefault((metric, period), {})[cid] = value
        if customers and customers[1]:
            figures.customers[cid, customers[0]] = customers[1]


def load_medians(
    session: Session,
    figures: Figures,
    outcomes: Sequence[str],
    periods: Sequence[str] | None,
    channels: Sequence[str],
    company_ids: CompanyIds,
) -> None:
    wpm = WaitPeriodMedian
    conditions = [
        wpm.outcome.in_(outcomes),
        wpm.channel.in_(channels),
        *company_condition(wpm.company_id, company_ids),
    ]
    if periods is not None:
        conditions.append(wpm.period.in_(periods))
    figure = [wpm.median_floor, wpm.median_half, wpm.n, wpm.ci_low, wpm.ci_high]
    if periods is not None and len(outcomes) == len(channels) == len(periods) == 1:
        # One ranking's medians: the key is known, so only the columns that vary are
        # read (a third fewer values for thousands of rows).
        query = select(wpm.company_id, *figure).where(*conditions)
        rows: Any = session.connection().execute(query).fetchall()
        if rows:
            key = (outcomes[0], channels[0], periods[0])
            figures.medians[key] = {cid: _median(*found) for cid, *found in rows}
        return
    columns = [wpm.company_id, wpm.outcome, wpm.channel, wpm.period]
    rows = session.connection().execute(select(*columns, *figure).where(*conditions)).fetchall()
    for cid, outcome, channel, period, *found in rows:
        figures.medians.setdefault((outcome, channel, period), {})[cid] = _median(*found)


def _median(floor: int, half: int, n: int, low: int | None, high: int | None) -> MetricValue:
    """A stored median as the value it is read as (a ranking makes thousands)."""
    return MetricValue(stored_median(floor, half), n, None, None, low, high)


def load_tallies(
    session: Session,
    figures: Figures,
    months: Sequence[str] | None,
    channels: Sequence[str],
    company_ids: CompanyIds,
) -> None:
    """Each company's contacts per month (for series and single companies)."""
    for cid, month, channel, tally in month_counts(session, months, channels, company_ids):
        figures.tallies.setdefault((channel, month), {})[cid] = tally


def load_period_tallies(
    session: Session, figures: Figures, period: Period, channel: str, company_ids: CompanyIds
) -> None:
    """Each company's contacts over one period, summed in the database (for rankings)."""
    figures.tallies[channel, str(period)] = {
        cid: tally
        for cid, _month, _channel, tally in month_counts(
            session, period.months(), (channel,), company_ids, summed=True
        )
    }


def load_year_tallies(
    session: Session,
    figures: Figures,
    years: Sequence[str],
    channel: str,
    company_ids: CompanyIds,
) -> None:
    """Each company's contacts per year, summed in the database in one query: what
    ``load_period_tallies`` gives for one period, for several years at once."""
    wmc = WaitMonthCount
    year = func.substr(wmc.month, 1, 4)
    months = [month for name in years for month in Period.parse(name).months()]
    query = (
        select(wmc.company_id, year, func.sum(wmc.contacts), func.sum(wmc.abandoned))
        .add_columns(func.sum(wmc.slow))
        .where(wmc.channel == channel, wmc.month.in_(months))
        .where(*company_condition(wmc.company_id, company_ids))
        .group_by(wmc.company_id, year)
    )
    rows: Any = session.connection().execute(query).fetchall()
    for cid, name, contacts, abandoned, slow in rows:
        tally = (int(contacts), int(abandoned), int(slow))
        figures.tallies.setdefault((channel, name), {})[cid] = tally


def load_figures(
    session: Session,
    metric: Metric,
    periods: Sequence[Period],
    *,
    channel: str,
    company_ids: CompanyIds = None,
) -> Figures:
    """What ``metric`` needs in ``periods``: one query (for the shares of a whole
    ranking, one per period, each summed in the database)."""
    figures = Figures()
    names = [str(p) for p in periods]
    if metric.family in (COUNT, RATE):
        load_counts(
            session,
            figures,
            [metric.reads],
            names,
            company_ids,
            with_customers=metric.family == RATE,
        )
    elif metric.family == MEDIAN:
        load_medians(session, figures, [metric.reads], names, [channel], company_ids)
    elif company_ids is None:
        # A whole ranking: each period summed in the database, one row per company.
        for period in periods:
            load_period_tallies(session, figures, period, channel, None)
    else:
        months = sorted({month for period in periods for month in period.months()})
        load_tallies(session, figures, months, [channel], company_ids)
    return figures


def metric_values(
    session: Session,
    metric: str | Metric,
    period: Period,
    *,
    channel: str = "phone",
    company_ids: CompanyIds = None,
) -> dict[int, MetricValue]:
    """Every company's value of ``metric`` in ``period`` (companies without data left out).

    Wait metrics include companies under the minimum sample; ``is_rankable`` tells them apart.
    """
    found = get_metric(metric) if isinstance(metric, str) else metric
    figures = load_figures(session, found, [period], channel=channel, company_ids=company_ids)
    return figures.values(found, period, channel)


def rankable_values(
    metric: Metric, values: dict[int, MetricValue], among: Container[int] | None = None
) -> dict[int, Decimal]:
    """The values that can be ranked (of the companies ``among``, when given): enough
    sample for the metric, and not a count or rate of 0 (contract v2)."""
    # One pass with the rule's terms in locals: a ranking runs this for every company.
    minimum, zero_ranks = metric.min_sample, metric.ranks_zero
    return {
        cid: found.value
        for cid, found in values.items()
        if (zero_ranks or found.value != 0)
        and (found.sample_size or 0) >= minimum
        and (among is None or cid in among)
    }


def is_rankable(metric: Metric, value: MetricValue) -> bool:
    return bool(rankable_values(metric, {0: value}))


def has_too_few(metric: Metric, value: MetricValue) -> bool:
    """Data in the period, but too small a sample to be ranked (wait metrics only)."""
    return (value.sample_size or 0) < metric.min_sample


def latest_year(session: Session, metric: Metric, channel: str = "phone") -> int | None:
    """The latest year with data for the metric (the default period of a ranking)."""
    if metric.family == COUNT:
        cpv = ComplaintPeriodValue
        latest: str | None = session.scalar(
            select(func.max(cpv.period)).where(cpv.metric == metric.reads)
        )
        return int(latest[:4]) if latest else None
    if metric.family == RATE:
        # Newest year first, stopping at the first company with complaints that year:
        # a max() over all would probe every company's every year.
        year: int | None = session.scalar(
            select(CustomerCount.year)
            .where(
                select(ComplaintPeriodValue.value)
                .where(
                    ComplaintPeriodValue.company_id == CustomerCount.company_id,
                    ComplaintPeriodValue.metric == metric.reads,
                    # By period, so that each probe is one look-up in the primary key.
                    ComplaintPeriodValue.period == cast(CustomerCount.year, String),
                )
                .exists()
            )
            .order_by(CustomerCount.year.desc())
            .limit(1)
        )
        return year
    month = latest_month(session, channel, metric.outcomes)
    return int(month[:4]) if month else None
