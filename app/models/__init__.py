"""ORM models only: no web framework, no templates."""

from app.models.base import Base
from app.models.companies import Company, CompanyAlias, CompanyRedirect, SearchTerm, Sector
from app.models.editions import Edition, EditionFile, EditionNote
from app.models.figures import (
    ComplaintCount,
    ComplaintCountHistory,
    ComplaintPeriodValue,
    CustomerCount,
    CustomerCountHistory,
    WaitHistogram,
    WaitMeasurement,
    WaitMonthCount,
    WaitPeriodMedian,
    YearRankValue,
)
from app.models.rate_limits import RateLimitCount
from app.models.replies import Reply
from app.models.sources import (
    ApiToken,
    BatchSnapshot,
    DataVersion,
    ImportBatch,
    RawSnapshot,
    Source,
)

__all__ = [
    "ApiToken",
    "Base",
    "BatchSnapshot",
    "Company",
    "CompanyAlias",
    "CompanyRedirect",
    "ComplaintCount",
    "ComplaintCountHistory",
    "ComplaintPeriodValue",
    "CustomerCount",
    "CustomerCountHistory",
    "DataVersion",
    "Edition",
    "EditionFile",
    "EditionNote",
    "ImportBatch",
    "RateLimitCount",
    "RawSnapshot",
    "Reply",
    "SearchTerm",
    "Sector",
    "Source",
    "WaitHistogram",
    "WaitMeasurement",
    "WaitMonthCount",
    "WaitPeriodMedian",
    "YearRankValue",
]
