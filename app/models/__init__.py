"""ORM models only: no web framework, no templates."""

from app.models.base import Base
from app.models.companies import Company, CompanyAlias, CompanyRedirect, Sector
from app.models.figures import (
    ComplaintCount,
    ComplaintCountHistory,
    CustomerCount,
    CustomerCountHistory,
    WaitHistogram,
    WaitMeasurement,
    WaitMonthCount,
    WaitPeriodMedian,
)
from app.models.sources import ApiToken, BatchSnapshot, ImportBatch, RawSnapshot, Source

__all__ = [
    "ApiToken",
    "Base",
    "BatchSnapshot",
    "Company",
    "CompanyAlias",
    "CompanyRedirect",
    "ComplaintCount",
    "ComplaintCountHistory",
    "CustomerCount",
    "CustomerCountHistory",
    "ImportBatch",
    "RawSnapshot",
    "Sector",
    "Source",
    "WaitHistogram",
    "WaitMeasurement",
    "WaitMonthCount",
    "WaitPeriodMedian",
]
