"""Editions: every ranking of a period frozen for good, with dated correction notes and
the diff against the edition before.

An edition keeps the bytes of each of its rankings' CSV (written by the caller in
``/rankings.csv``'s format), so that its files are the same for ever, whatever is
imported later. Its SHA-256 covers every file in order, each preceded by a line
naming it (``metric,channel``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.metrics import METRIC_SLUGS, get_metric
from app.models import Edition, EditionFile, EditionNote
from app.models.base import utcnow
from app.periods import Period
from app.schemas import CHANNELS
from app.services.data_version import bump_data_version
from app.services.rankings import Ranking, RankingQuery, build_ranking

MAX_TITLE_LENGTH = 300
MAX_NOTE_LENGTH = 5_000
MOVERS = 5


@dataclass(frozen=True)
class Frozen:
    """One ranking of an edition: its metric, its channel ("" for counts), its CSV."""

    metric: str
    channel: str
    content: bytes


@dataclass
class RankingDiff:
    metric: str
    channel: str
    new: list[str] = field(default_factory=list)  # company names
    gone: list[str] = field(default_factory=list)
    movers: list[tuple[str, int, int]] = field(default_factory=list)  # (name, was, now)


def edition_rankings(session: Session, period: Period) -> list[Ranking]:
    """Every ranking of ``period`` with data: each metric, each channel of a wait metric,
    all sectors together."""
    found = []
    for slug in METRIC_SLUGS:
        channels = CHANNELS if get_metric(slug).is_wait else (CHANNELS[0],)
        for channel in channels:
            ranking = build_ranking(session, RankingQuery(slug, period, None, channel))
            if ranking.rows:
                found.append(ranking)
    return found


def content_hash(files: list[Frozen]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.metric},{file.channel}\n".encode())
        digest.update(file.content)
    return digest.hexdigest()


def publish_edition(session: Session, period: Period, title: str, files: list[Frozen]) -> Edition:
    if not files:
        raise ValueError(f"no ranking has data for {period}: nothing to publish")
    title = " ".join(title.split()) or f"{period}"
    if len(title) > MAX_TITLE_LENGTH:
        raise ValueError(f"a title may be at most {MAX_TITLE_LENGTH} characters")
    edition = Edition(period=str(period), title=title, sha256=content_hash(files))
    session.add(edition)
    session.flush()
    for file in files:
        session.add(
            EditionFile(
                edition_id=edition.id,
                metric=file.metric,
                channel=file.channel,
                content=file.content,
            )
        )
    bump_data_version(session, figures=False)
    session.flush()
    return edition


def add_note(session: Session, edition_id: int, text: str) -> EditionNote:
    if session.get(Edition, edition_id) is None:
        raise ValueError(f"there is no edition with id {edition_id}")
    text = text.strip()
    if not text or len(text) > MAX_NOTE_LENGTH:
        raise ValueError(f"a note has 1 to {MAX_NOTE_LENGTH} characters")
    note = EditionNote(edition_id=edition_id, text=text, created_at=utcnow())
    session.add(note)
    bump_data_version(session, figures=False)
    session.flush()
    return note


def editions(session: Session) -> list[Edition]:
    return list(session.scalars(select(Edition).order_by(Edition.published_at.desc(), Edition.id)))


def edition_files(session: Session, edition_id: int) -> list[EditionFile]:
    query = select(EditionFile).where(EditionFile.edition_id == edition_id)
    return list(session.scalars(query.order_by(EditionFile.id)))


def edition_file(session: Session, edition_id: int, metric: str, channel: str) -> bytes | None:
    query = select(EditionFile.content).where(
        EditionFile.edition_id == edition_id,
        EditionFile.metric == metric,
        EditionFile.channel == channel,
    )
    content: bytes | None = session.scalar(query)
    return content


def edition_notes(session: Session, edition_id: int) -> list[EditionNote]:
    query = select(EditionNote).where(EditionNote.edition_id == edition_id)
    return list(session.scalars(query.order_by(EditionNote.created_at, EditionNote.id)))


def previous_edition(session: Session, edition: Edition) -> Edition | None:
    """The latest edition of the period of the same length just before."""
    before = str(Period.parse(edition.period).previous())
    query = select(Edition).where(
        Edition.period == before, Edition.published_at <= edition.published_at
    )
    return session.scalar(query.order_by(Edition.published_at.desc(), Edition.id.desc()).limit(1))


def rows_of(content: bytes) -> list[dict[str, str]]:
    """A frozen CSV's rows (it is /rankings.csv: UTF-8 with a BOM, a header row)."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def diff(now: list[EditionFile], before: list[EditionFile]) -> list[RankingDiff]:
    """For each ranking of ``now``: companies new on it, gone from it, biggest movers."""
    earlier = {(f.metric, f.channel): _places(f.content) for f in before}
    diffs = []
    for file in now:
        places = _places(file.content)
        was = earlier.get((file.metric, file.channel), {})
        change = RankingDiff(file.metric, file.channel)
        change.new = sorted(places[s][0] for s in places.keys() - was.keys())
        change.gone = sorted(was[s][0] for s in was.keys() - places.keys())
        moved = [(places[s][0], was[s][1], places[s][1]) for s in places.keys() & was.keys()]
        moved.sort(key=lambda m: (-abs(m[1] - m[2]), m[0]))
        change.movers = [m for m in moved if m[1] != m[2]][:MOVERS]
        diffs.append(change)
    return diffs


def _places(content: bytes) -> dict[str, tuple[str, int]]:
    return {row["slug"]: (row["company"], int(row["rank"])) for row in rows_of(content)}
