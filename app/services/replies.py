"""Right of reply: a company answers for one of its figures, in public, beside it.

A reply is bound to a metric, a period and the figure as it stood when the company
answered; the public sees it only once a moderator has published it. A reply token
speaks for one company only, and writes at most ``REPLIES_PER_HOUR`` replies an hour
(counted in the database, so every app server agrees).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.metrics import METRIC_SLUGS, get_metric
from app.models import ApiToken, Company, Reply
from app.models.base import utcnow
from app.periods import Period
from app.services.data_version import bump_data_version
from app.services.metrics import metric_values
from app.services.series import CompanyFigures

REPLY_KINDS = ("reply", "dispute")
STATUSES = ("pending", "published", "rejected")
MAX_REPLY_LENGTH = 2_000
MAX_REASON_LENGTH = 2_000
REPLIES_PER_HOUR = 10
_HOUR = timedelta(hours=1)
# Plain text: line breaks and tabs are kept; other control characters are refused.
_ALLOWED_CONTROLS = "\n\r\t"


class ReplyRefused(Exception):
    """A reply that may not be written: ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class ReplyField:
    """A wrong field: ``message`` in English for the API; ``what`` names the problem so
    that the form page can say it in its own language."""

    field: str
    message: str
    what: str = ""


@dataclass(frozen=True)
class ReplyDraft:
    metric: str
    period: Period
    kind: str
    text: str


class ReplyInvalid(Exception):
    """One or more fields of a reply are wrong (a 422, naming each)."""

    def __init__(self, errors: list[ReplyField]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def parse_reply(fields: Any) -> ReplyDraft:
    """A checked reply from a JSON object or a form; ReplyInvalid names every bad field."""
    if not isinstance(fields, dict):
        raise ReplyInvalid(
            [ReplyField("", "send a JSON object with metric, period, kind, text", "object")]
        )
    errors: list[ReplyField] = []
    known = {"metric", "period", "kind", "text"}
    errors += [ReplyField(name, "unknown field", "unknown") for name in fields if name not in known]
    metric = _text_field(fields, "metric", errors)
    if metric is not None and metric not in METRIC_SLUGS:
        errors.append(ReplyField("metric", f"use one of {', '.join(METRIC_SLUGS)}", "choice"))
    period = _period_field(fields, errors)
    kind = _text_field(fields, "kind", errors)
    if kind is not None and kind not in REPLY_KINDS:
        errors.append(ReplyField("kind", f"use one of {', '.join(REPLY_KINDS)}", "choice"))
    text = _reply_text(fields, errors)
    if errors or metric is None or period is None or kind is None or text is None:
        raise ReplyInvalid(errors)
    return ReplyDraft(metric, period, kind, text)


def _text_field(fields: dict[str, Any], name: str, errors: list[ReplyField]) -> str | None:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        errors.append(ReplyField(name, f"{name} is required (a string)", "required"))
        return None
    return value.strip()


def _period_field(fields: dict[str, Any], errors: list[ReplyField]) -> Period | None:
    text = _text_field(fields, "period", errors)
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as error:
        errors.append(ReplyField("period", str(error), "period"))
        return None


def _reply_text(fields: dict[str, Any], errors: list[ReplyField]) -> str | None:
    text = _text_field(fields, "text", errors)
    if text is None:
        return None
    if len(text) > MAX_REPLY_LENGTH:
        errors.append(ReplyField("text", f"at most {MAX_REPLY_LENGTH} characters", "too_long"))
    elif any(ord(ch) < 32 and ch not in _ALLOWED_CONTROLS for ch in text) or "\x7f" in text:
        errors.append(ReplyField("text", "plain text only: no control characters", "control"))
    elif any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        errors.append(ReplyField("text", "holds an invalid character", "invalid"))
    return text


def check_token_speaks_for(token: ApiToken | None, company: Company) -> ApiToken:
    """The token, if it may write and read replies for ``company``; else ReplyRefused
    (401 without a live token, 403 for another company or another scope)."""
    if token is None:
        raise ReplyRefused(401, "a reply token is required: Authorization: Bearer TOKEN")
    if token.scope != "reply":
        raise ReplyRefused(403, "this token has no reply scope")
    if token.company_id != company.id:
        raise ReplyRefused(403, "this token speaks for another company")
    return token


def create_reply(session: Session, token: ApiToken, company: Company, draft: ReplyDraft) -> Reply:
    """A pending reply bound to the company's figure as it stands now."""
    now = utcnow()
    _check_rate(session, token, now)
    metric = get_metric(draft.metric)
    figure = metric_values(session, metric, draft.period, company_ids=[company.id]).get(company.id)
    if figure is None:
        raise ReplyInvalid(
            [
                ReplyField(
                    "period", "the company has no figure for this metric and period", "no_figure"
                )
            ]
        )
    reply = Reply(
        company_id=company.id,
        token_id=token.id,
        metric=draft.metric,
        period=str(draft.period),
        kind=draft.kind,
        text=draft.text,
        value=metric.format(figure.value),
        status="pending",
        created_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def _check_rate(session: Session, token: ApiToken, now: datetime) -> None:
    since = now - _HOUR
    recent = select(func.count(), func.min(Reply.created_at)).where(
        Reply.token_id == token.id, Reply.created_at > since
    )
    count, oldest = session.execute(recent).one()
    if count >= REPLIES_PER_HOUR:
        wait = max(1, int((oldest + _HOUR - now).total_seconds()) + 1)
        raise ReplyRefused(
            429, f"at most {REPLIES_PER_HOUR} replies an hour per token", retry_after=wait
        )


def company_replies(session: Session, company_id: int, *, own: bool = False) -> list[Reply]:
    """The company's published replies, newest first; with ``own``, every reply it wrote."""
    query = select(Reply).where(Reply.company_id == company_id)
    if not own:
        query = query.where(Reply.status == "published")
    return list(session.scalars(query.order_by(Reply.created_at.desc(), Reply.id.desc())))


def replies_with_status(session: Session, status: str | None) -> list[tuple[Reply, str]]:
    """Replies for moderation, oldest first, with their company's slug."""
    query = select(Reply, Company.slug).join(Company, Company.id == Reply.company_id)
    if status is not None:
        query = query.where(Reply.status == status)
    return [(reply, slug) for reply, slug in session.execute(query.order_by(Reply.id))]


def decide_reply(session: Session, reply_id: int, status: str, reason: str | None = None) -> Reply:
    """Publish or reject a reply; what the public sees changes, so the data version moves."""
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise ValueError(f"there is no reply with id {reply_id}")
    if status == "rejected" and not (reason or "").strip():
        raise ValueError("a rejection needs a --reason the company will read")
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise ValueError(f"a reason may be at most {MAX_REASON_LENGTH} characters")
    reply.status = status
    reply.reason = reason.strip() if status == "rejected" and reason else None
    reply.decided_at = utcnow()
    # A reply shows beside its figure; it changes no figure and no ranking.
    bump_data_version(session, figures=False)
    return reply


def reply_json(reply: Reply, *, own: bool = False) -> dict[str, Any]:
    """A reply as the API gives it; the reason only to the company that wrote it."""
    body: dict[str, Any] = {
        "id": reply.id,
        "status": reply.status,
        "metric": reply.metric,
        "period": reply.period,
        "kind": reply.kind,
        "text": reply.text,
        "value": reply.value,
        "created_at": reply.created_at.isoformat(),
    }
    if own:
        body["reason"] = reply.reason
    return body


@dataclass(frozen=True)
class ShownReply:
    """A published reply beside its figure: the figure it answered, and the figure now
    when it has changed since (None when it has not)."""

    reply: Reply
    answered: Decimal
    now: Decimal | None


def beside_figures(replies: list[Reply], company: CompanyFigures) -> list[ShownReply]:
    shown = []
    for reply in replies:
        metric = get_metric(reply.metric)
        current = company.value(metric, Period.parse(reply.period))
        answered = Decimal(reply.value)
        changed = current is not None and metric.format(current.value) != reply.value
        shown.append(ShownReply(reply, answered, current.value if changed and current else None))
    return shown


def reply_points(
    session: Session, head: tuple[Any, ...], company_id: int
) -> Iterator[tuple[Any, ...]]:
    """The company's published replies as rows of its CSV (kind ``reply``), oldest first:
    the columns of ``exports.CSV_COLUMNS["company"]`` after ``head`` (name, slug, org)."""
    query = (
        select(Reply)
        .where(Reply.company_id == company_id, Reply.status == "published")
        .order_by(Reply.created_at, Reply.id)
    )
    for reply in session.scalars(query):
        yield (
            *(*head, "reply", "published", reply.metric, reply.period, None, None, reply.kind),
            *(reply.value, None, None, None, None, None, reply.created_at, None, reply.text),
        )
