"""The bodies the JSON API answers, as ``/openapi.json`` describes them.

Routes build their answers as plain dicts and document them with these models
(``responses={200: {"model": ...}}``), so a model never filters an answer; the
tests compare each answer's keys with its model's fields. Enumerations are looked
up where they are defined (the metric registry, the record contract, the services).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.metrics import METRIC_SLUGS
from app.schemas import CHANNELS, KINDS
from app.services.company_places import STATUSES as PLACE_STATUSES
from app.services.ingest.snapshots import PUBLISHED, UNPUBLISHED
from app.services.replies import REPLY_KINDS, STATUSES


def _one_of(values: tuple[str, ...], description: str) -> Any:
    """A string that is one of ``values``, as the schema's enumeration."""
    schema = {"type": "string", "enum": list(values), "description": description}
    return WithJsonSchema(schema)


MetricName = Annotated[str, _one_of(METRIC_SLUGS, "A metric of the metric registry")]
ChannelName = Annotated[str, _one_of(CHANNELS, "A contact channel")]
KindName = Annotated[str, _one_of(KINDS, "What an import holds")]
ReplyKind = Annotated[str, _one_of(REPLY_KINDS, "A reply explains; a dispute contests")]
ReplyStatus = Annotated[str, _one_of(STATUSES, "Where moderation stands")]
PlaceStatus = Annotated[str, _one_of(PLACE_STATUSES, "What became of the figure in its ranking")]
BatchStatus = Annotated[str, _one_of(PUBLISHED + UNPUBLISHED, "What became of the batch")]
Number = int | float  # whole values as integers, others as decimals


class CreatedCompany(BaseModel):
    name: str
    slug: str
    org_number: str | None
    verified: bool


class ImportReport(BaseModel):
    """What an import did (contract: Import API); a dry run writes nothing."""

    batch_id: int | None = Field(description="null for a dry run")
    status: Annotated[str, _one_of(("committed", "dry_run"), "committed, or a dry run")]
    kind: KindName
    rows: int
    inserted: int
    updated: int
    unchanged: int
    companies_created: list[CreatedCompany]


class Snapshot(BaseModel):
    sha256: str
    url: str
    fetched_at: str
    status: int
    content_type: str
    size: int


class BatchReport(BaseModel):
    """A batch's report: an import's, or a scraper run's held or quarantined one
    (then with the reason and no counts), with the snapshots it was parsed from."""

    batch_id: int
    status: BatchStatus
    kind: KindName
    rows: int | None = None
    inserted: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    companies_created: list[CreatedCompany] | None = None
    reason: str | None = None
    snapshots: list[Snapshot] | None = None
    evidence: list[dict[str, str]] | None = None
    published_as: int | None = Field(None, description="The batch that published a held one")


class RankingRow(BaseModel):
    """One ranked company: the sixteen fields of rankings.csv, and value_text."""

    rank: int
    company: str
    slug: str
    org_number: str | None
    sector: str | None
    metric: MetricName
    period: str | None
    value: Number
    value_text: str = Field(description="The value exactly as the CSV writes it")
    sample_size: int | None
    previous_rank: int | None
    channel: ChannelName | None = Field(description="The channel of a wait metric")
    value_low: Number | None
    value_high: Number | None
    rank_low: int | None
    rank_high: int | None
    signal: str | None = Field(
        description="much_worse, worse, as_expected, better or much_better, where defined"
    )


class TooFew(BaseModel):
    company: str
    slug: str
    sample_size: int


class Ranking(BaseModel):
    metric: MetricName
    period: str | None = Field(description="null when there is no data for the metric")
    channel: ChannelName | None
    sector: str | None
    rows: list[RankingRow]
    companies_with_none: int = Field(description="Companies with 0, not ranked")
    too_few: list[TooFew] = Field(description="Companies with too few contacts to rank")


class Reply(BaseModel):
    id: int
    status: ReplyStatus
    metric: MetricName
    period: str
    kind: ReplyKind
    text: str
    value: str = Field(description="The figure as it stood when the reply was made")
    created_at: str
    reason: str | None = Field(None, description="Only to the company: why it was rejected")


class CompanyReplies(BaseModel):
    company: str
    replies: list[Reply]


class MetricPoint(BaseModel):
    period: str
    value: Number | None
    sample_size: int | None


class ComplaintRank(BaseModel):
    period: str
    rank: int | None
    ranked: int


class Place(BaseModel):
    """A figure's place in its year's ranking, and its sector percentile."""

    period: str
    value: Number
    value_text: str
    sample_size: int | None
    status: PlaceStatus
    rank: int | None = Field(
        description="The place on /rankings (1 is the worst); null unless ranked"
    )
    ranked: int = Field(description="How many companies that ranking ranked")
    sector_percentile: int | None = Field(
        description="0 to 100: the share of the other ranked companies of its sector with a "
        "worse figure, rounded down (ties are not worse); null when none"
    )
    sector_worse: int | None
    sector_ranked: int | None = Field(description="Companies of its sector ranked, itself included")


class Figure(BaseModel):
    kind: str
    metric: str
    period: str
    value: int
    source: str
    batch_id: int
    source_url: str | None


class Company(BaseModel):
    """A company with every metric over time, its complaint ranks and raw figures."""

    # A company's page grows: fields added later must never be dropped from the answer.
    model_config = ConfigDict(extra="allow")

    slug: str
    name: str
    org_number: str | None
    sector: str | None
    website: str | None
    verified: bool
    aliases: list[str]
    metrics: dict[str, list[MetricPoint]] = Field(description="Keyed by metric")
    places: dict[str, list[Place]] = Field(
        description="Keyed by metric; every year it has a figure"
    )
    replies: list[Reply]
    complaint_ranks: list[ComplaintRank]
    figures: list[Figure]


class SearchHit(BaseModel):
    slug: str
    name: str
    org_number: str | None
    sector: str | None
    matched: str = Field(description="The name, alias or org number that matched")


class EditionNote(BaseModel):
    created_at: str
    text: str


class EditionRanking(BaseModel):
    metric: MetricName
    channel: ChannelName | None
    csv: str = Field(description="The frozen CSV's address")
    rows: list[dict[str, str]] = Field(description="The CSV's rows, keyed by its header")


class Edition(BaseModel):
    id: int
    title: str
    period: str
    published_at: str
    sha256: str
    notes: list[EditionNote]
    rankings: list[EditionRanking]


class Health(BaseModel):
    status: Annotated[str, _one_of(("ok", "unavailable"), "Whether the database answers")]


class Readiness(BaseModel):
    status: Annotated[str, _one_of(("ready", "unavailable"), "Whether to send traffic")]
    detail: str
