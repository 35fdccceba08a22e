"""The right of reply as a plain HTML form: the company pastes its reply token.

Cross-site posts are refused (``Sec-Fetch-Site`` and ``Origin``): another site cannot
make a visitor's browser post a reply. The form is read with the standard library:
it is one small urlencoded body, and no upload.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.deps import DatabaseDep, get_settings
from app.metrics import METRIC_SLUGS
from app.services.companies import company_by_slug
from app.services.replies import (
    MAX_REPLY_LENGTH,
    REPLY_KINDS,
    ReplyField,
    ReplyInvalid,
    ReplyRefused,
    check_token_speaks_for,
    create_reply,
    parse_reply,
)
from app.services.tokens import authenticate
from app.token_limits import count_token_request
from app.web.errors import Detail, error_page
from app.web.templating import get_templates

router = APIRouter(include_in_schema=False)
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024
_SAME_SITE = ("same-origin", "none")


@router.get("/companies/{slug}/reply", response_class=HTMLResponse)
def reply_form(request: Request, slug: str, database: DatabaseDep) -> Response:
    with database.read() as session:
        company = company_by_slug(session, slug)
        if company is None:
            return error_page(request, 404, None)
        return _render(request, company.slug, company.name, {}, [], 200)


@router.post("/companies/{slug}/reply", response_class=HTMLResponse)
async def post_reply_form(request: Request, slug: str, database: DatabaseDep) -> Response:
    if _cross_site(request):
        return error_page(request, 403, Detail("cross_site"))
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
        return error_page(request, 415, Detail("form_type", FORM_TYPE))
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return error_page(request, 413, Detail("form_size", str(MAX_FORM_BYTES)))
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    secret = fields.pop("token", "").strip()
    settings = get_settings(request)
    await run_in_threadpool(
        count_token_request, database, settings, request.scope, secret, "replies"
    )
    with database.write() as session:
        return _answer(request, session, slug, secret, fields)


def _answer(
    request: Request, session: Session, slug: str, secret: str, fields: dict[str, str]
) -> Response:
    company = company_by_slug(session, slug)
    if company is None:
        return error_page(request, 404, None)
    try:
        token = check_token_speaks_for(authenticate(session, secret) if secret else None, company)
        reply = create_reply(session, token, company, parse_reply(fields))
    except ReplyRefused as error:
        what = _REFUSALS.get(error.status, "")
        problem = [ReplyField("token" if error.status in (401, 403) else "", error.message, what)]
        response = _render(request, company.slug, company.name, fields, problem, error.status)
        if error.retry_after:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    except ReplyInvalid as error:
        return _render(request, company.slug, company.name, fields, error.errors, 422)
    context = {"company_slug": company.slug, "company_name": company.name, "reply": reply}
    return get_templates(request).render(request, "reply_sent.html", context, status_code=201)


# A refusal's status -> what reply_form.html says of it in the page's language.
_REFUSALS = {401: "token_unknown", 403: "token_refused", 429: "too_many"}


def _cross_site(request: Request) -> bool:
    """A post another site made a browser send: by its Sec-Fetch-Site, or its Origin."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in _SAME_SITE:
        return True
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    public = get_settings(request).public_url
    own_hosts = {request.headers.get("host", ""), urlsplit(public).netloc if public else ""}
    return urlsplit(origin).netloc not in own_hosts


def _render(
    request: Request,
    slug: str,
    name: str,
    fields: dict[str, str],
    errors: list[ReplyField],
    status: int,
) -> HTMLResponse:
    context = {
        "company_slug": slug,
        "company_name": name,
        "fields": fields,
        "errors": errors,
        "metrics": METRIC_SLUGS,
        "kinds": REPLY_KINDS,
        "max_length": MAX_REPLY_LENGTH,
    }
    return get_templates(request).render(request, "reply_form.html", context, status_code=status)
