"""The figures: complaint counts, customer counts, wait measurements and their aggregates.

Every figure row names the source and the batch that brought it. A replaced
value moves to a history table together with the batch that had brought it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigIntId, BigNumber, IdMixin, UTCDateTime, utcnow


def _company_fk(*, index: bool = True) -> Mapped[int]:
    return mapped_column(BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), index=index)


def _source_fk() -> Mapped[int]:
    return mapped_column(BigIntId, ForeignKey("sources.id"), index=True)


def _batch_fk() -> Mapped[int]:
    return mapped_column(BigIntId, ForeignKey("import_batches.id"), index=True)


class ComplaintCount(IdMixin, Base):
    __tablename__ = "complaint_counts"
    __table_args__ = (UniqueConstraint("company_id", "metric", "period"),)

    company_id: Mapped[int] = _company_fk()
    metric: Mapped[str] = mapped_column(String(32))
    # YYYY, YYYY-Qn or YYYY-MM; year is kept apart so a year's rows are one index range.
    period: Mapped[str] = mapped_column(String(7))
    year: Mapped[int] = mapped_column(index=True)
    value: Mapped[int] = mapped_column(BigNumber)
    source_id: Mapped[int] = _source_fk()
    batch_id: Mapped[int] = _batch_fk()
    source_url: Mapped[str | None] = mapped_column(String(1000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ComplaintCountHistory(IdMixin, Base):
    """A complaint count that a later batch replaced, with the batch that had brought it."""

    __tablename__ = "complaint_count_history"

    company_id: Mapped[int] = _company_fk()
    metric: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[int] = mapped_column(BigNumber)
    source_id: Mapped[int] = _source_fk()
    batch_id: Mapped[int] = _batch_fk()
    source_url: Mapped[str | None] = mapped_column(String(1000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None when a company merge, not a batch, set the value aside.
    replaced_by_batch_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("import_batches.id"), index=True
    )


class CustomerCount(IdMixin, Base):
    __tablename__ = "customer_counts"
    __table_args__ = (UniqueConstraint("company_id", "year"),)

    company_id: Mapped[int] = _company_fk()
    year: Mapped[int]
    customers: Mapped[int] = mapped_column(BigNumber)
    source_id: Mapped[int] = _source_fk()
    batch_id: Mapped[int] = _batch_fk()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The years with customer counts, newest first: the latest year a rate can be ranked
# in is found by walking it until a company also has complaints that year, not by
# reading every company's every year.
Index("ix_customer_counts_year", CustomerCount.year, CustomerCount.company_id)


class CustomerCountHistory(IdMixin, Base):
    __tablename__ = "customer_count_history"

    company_id: Mapped[int] = _company_fk()
    year: Mapped[int]
    customers: Mapped[int] = mapped_column(BigNumber)
    source_id: Mapped[int] = _source_fk()
    batch_id: Mapped[int] = _batch_fk()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None when a company merge, not a batch, set the value aside.
    replaced_by_batch_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("import_batches.id"), index=True
    )


class WaitMeasurement(IdMixin, Base):
    __tablename__ = "wait_measurements"

    # Indexed by (company_id, measured_at) below, which also serves lookups by company:
    # every index on this, the largest table, slows each import's inserts.
    company_id: Mapped[int] = _company_fk(index=False)
    source_id: Mapped[int] = _source_fk()
    batch_id: Mapped[int] = _batch_fk()
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # YYYY-MM of measured_at in Swedish time: the month the row counts in.
    local_month: Mapped[str] = mapped_column(String(7))
    channel: Mapped[str] = mapped_column(String(8))
    wait_seconds: Mapped[int] = mapped_column(BigNumber)
    outcome: Mapped[str] = mapped_column(String(16))
    transfers: Mapped[int | None] = mapped_column(BigNumber)
    external_id: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(1000))


# A row is the same row again by its external id, or by its natural key without one.
Index(
    "uq_wait_measurements_source_external_id",
    WaitMeasurement.source_id,
    WaitMeasurement.external_id,
    unique=True,
    sqlite_where=text("external_id IS NOT NULL"),
    postgresql_where=text("external_id IS NOT NULL"),
)
Index(
    "uq_wait_measurements_natural_key",
    WaitMeasurement.source_id,
    WaitMeasurement.company_id,
    WaitMeasurement.channel,
    WaitMeasurement.measured_at,
    unique=True,
    sqlite_where=text("external_id IS NULL"),
    postgresql_where=text("external_id IS NULL"),
)


class WaitHistogram(Base):
    """How many rows had each wait, per company, Swedish month, channel and outcome.

    Kept up to date by the ingest service in the batch's own transaction. Exact
    medians and shares come from it, so a ranking reads companies x months x
    distinct waits rows, never the measurements themselves.
    """

    __tablename__ = "wait_histograms"

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    wait_seconds: Mapped[int] = mapped_column(BigNumber, primary_key=True)
    n: Mapped[int] = mapped_column(BigNumber)


Index("ix_wait_histograms_month_channel", WaitHistogram.month, WaitHistogram.channel)


class WaitMonthCount(Base):
    """Contacts per company, Swedish month and channel: the share metrics read only this,
    so their cost is companies x months whatever the number of measurements."""

    __tablename__ = "wait_month_counts"

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    contacts: Mapped[int] = mapped_column(BigNumber)  # answered + abandoned
    abandoned: Mapped[int] = mapped_column(BigNumber)
    slow: Mapped[int] = mapped_column(BigNumber)  # abandoned, or answered after more than 180 s
    announced: Mapped[int] = mapped_column(BigNumber)


# A month's tallies, read from the index alone: a share ranking sums a year of them.
# The channel first, so that the months with data on a channel are found one probe each
# (by month first, each probe walked every other channel's rows of the month).
Index(
    "ix_wait_month_counts_channel_tallies",
    WaitMonthCount.channel,
    WaitMonthCount.month,
    WaitMonthCount.company_id,
    WaitMonthCount.contacts,
    WaitMonthCount.abandoned,
    WaitMonthCount.slow,
)
# The months with announced waits: few companies announce, and without this index
# finding them walked every month's rows.
Index(
    "ix_wait_month_counts_announced",
    WaitMonthCount.channel,
    WaitMonthCount.month,
    sqlite_where=text("announced > 0"),
    postgresql_where=text("announced > 0"),
)


class WaitPeriodMedian(Base):
    """Each company's median wait per period (month, quarter and year), channel and outcome
    (answered or announced), refreshed by the ingest service for the periods a batch
    touched. A median ranking reads one row per company.

    The median is kept exact in whole numbers: ``median_floor`` is its whole part and
    ``median_half`` is 1 when half a second is added (two middle values whose sum is
    odd). Their sum itself is not kept: two waits of up to 2^63-1 seconds pass 64 bits.
    """

    __tablename__ = "wait_period_medians"

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    median_floor: Mapped[int] = mapped_column(BigNumber)
    median_half: Mapped[int]
    n: Mapped[int] = mapped_column(BigNumber)
    # The 95 % interval of the median: the l-th and (n - l + 1)-th waits (contract v2;
    # app.services.histogram_medians). Empty for rows not refreshed since it was added.
    ci_low: Mapped[int | None] = mapped_column(BigNumber)
    ci_high: Mapped[int | None] = mapped_column(BigNumber)


# A median ranking's rows, read from the index alone: its field, then every figure the
# ranking reads (rather than one table page per company).
Index(
    "ix_wait_period_medians_ranking",
    WaitPeriodMedian.period,
    WaitPeriodMedian.channel,
    WaitPeriodMedian.outcome,
    WaitPeriodMedian.company_id,
    WaitPeriodMedian.median_floor,
    WaitPeriodMedian.median_half,
    WaitPeriodMedian.n,
    WaitPeriodMedian.ci_low,
    WaitPeriodMedian.ci_high,
)


class ComplaintPeriodValue(Base):
    """Each company's complaint count per metric and period (month, quarter and year), with
    the contract's rule already applied: the row for exactly the period, else the sum of
    its months, else of its quarters. Kept by the ingest service for the years a batch
    touched, so a count ranking or a company's series reads one row per company and period.
    """

    __tablename__ = "complaint_period_values"
    # On SQLite the primary key is the table itself (no rowid): a company's values are
    # read from it alone, so the planner never prefers a scan of a whole metric.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's own form

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    year: Mapped[int]
    value: Mapped[int] = mapped_column(BigInteger)


# A ranking reads one period's values from this index alone (it covers the company too);
# a rank over time is a count of larger values in it.
Index(
    "ix_complaint_period_values_metric_period_value",
    ComplaintPeriodValue.metric,
    ComplaintPeriodValue.period,
    ComplaintPeriodValue.value,
    ComplaintPeriodValue.company_id,
)
Index(
    "ix_wait_measurements_company_measured_at",
    WaitMeasurement.company_id,
    WaitMeasurement.measured_at,
)


# Digits only, compared byte by byte: "C" on PostgreSQL, whatever the database's locale.
_VALUE_KEY = String(28).with_variant(String(28, collation="C"), "postgresql")


class YearRankValue(Base):
    """Each company's ranked value of every metric in every year (wait metrics on their
    channel), as ``/rankings`` would rank it: only values that get a place (enough sample,
    not a count or rate of 0), with the company's place among them and among its sector's.
    Kept by the ingest service and a merge for the companies and years they touch (the
    places of every company in a touched ranking are counted again, in the database), so
    a company page reads its places, rather than ranking every company.

    ``value_key`` is the value in ten-thousandths (no metric has more decimals), as 28
    zero-padded digits: exact and in value order as text, even for a rate of 2^63-1
    complaints per customer, which passes 64 bits.
    """

    __tablename__ = "year_rank_values"
    # On SQLite the primary key is the table itself (no rowid): a company's places lie
    # side by side.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's own form

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    value_key: Mapped[str] = mapped_column(_VALUE_KEY)
    # The company's sector, kept here so that a sector's part of a ranking is one index
    # range (a company's sector is set once, by a companies import or a merge).
    sector_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("sectors.id", ondelete="SET NULL")
    )
    # Its place (one more than the companies with a larger value) and how many are ranked,
    # in the whole ranking and among its sector's companies.
    rank: Mapped[int]
    ranked: Mapped[int]
    sector_rank: Mapped[int]
    sector_ranked: Mapped[int]


# One yearly ranking (placed again after a write) in order of place (its first place
# tells how many it ranks), and each sector's part of it in value order (its median).
Index(
    "ix_year_rank_values_place",
    YearRankValue.metric,
    YearRankValue.year,
    YearRankValue.channel,
    YearRankValue.rank,
)
Index(
    "ix_year_rank_values_sector_field",
    YearRankValue.sector_id,
    YearRankValue.metric,
    YearRankValue.year,
    YearRankValue.channel,
    YearRankValue.value_key,
)
