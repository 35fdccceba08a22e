"""The Jinja environment (autoescaping always on) and the per-request page context."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from app import display
from app.config import Settings
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, choose_language, load_catalogs
from app.metrics import METRIC_SLUGS, get_metric
from app.web.addresses import public_base
from app.web.site_facts import facts_for

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


class Templates:
    """Renders pages in the request's language; one instance per application."""

    def __init__(self, settings: Settings, directory: Path = TEMPLATE_DIR) -> None:
        self.settings = settings
        self.catalogs = load_catalogs()
        # autoescape=True for every template, whatever its extension.
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def compile_all(self) -> None:
        """Compile every template now, at start-up: otherwise each worker's first page of
        each kind after a start pays for it (tens of milliseconds a template)."""
        for name in self.environment.list_templates():
            self.environment.get_template(name)

    def translations(self, language: str) -> gettext.GNUTranslations:
        return self.catalogs.get(language, self.catalogs[DEFAULT_LANGUAGE])

    def render(
        self, request: Request, name: str, context: dict[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        page = PageContext(request)
        translations = self.translations(page.language)
        values = {
            "request": request,
            "page": page,
            "lang": page.language,
            "url": page.url,
            "_": translations.gettext,
            "gettext": translations.gettext,
            "ngettext": translations.ngettext,
            "fmt": lambda metric, value: display.metric_value(
                get_metric(metric), value, page.language
            ),
            "num": lambda value, decimals=0: display.number(value, page.language, decimals),
            "pct": lambda fraction: display.percent(fraction, page.language),
            "duration": lambda seconds: display.duration(seconds, page.language),
            "moment": lambda when: display.moment(when, page.language),
            "day": lambda when: display.day(when, page.language),
            "period_name": lambda period: display.period_name(period, page.language),
            "metric_name": lambda metric: get_metric(metric).text(page.language)["name"],
            "metric_doc": lambda metric: get_metric(metric).text(page.language),
            "min_sample": lambda metric: get_metric(metric).min_sample,
            "all_metrics": METRIC_SLUGS,
            "settings": self.settings,
            "demo_data": _demo_data(request),
            **context,
        }
        html = self.environment.get_template(name).render(values)
        return HTMLResponse(html, status_code=status_code)


def _demo_data(request: Request) -> bool:
    if not hasattr(request.app.state, "site_facts"):  # a page rendered outside the app
        return False
    return facts_for(request).demo_loaded


class PageContext:
    """The request's language and the links that keep it."""

    def __init__(self, request: Request) -> None:
        self.request = request
        lang_param = request.query_params.get("lang")
        self.explicit = lang_param if lang_param in LANGUAGES else None
        self.language = choose_language(lang_param, request.headers.get("accept-language"))

    def url(self, path: str, **params: object) -> str:
        """``path`` with the non-empty ``params``, and ``lang`` when the page was given it."""
        query = {key: str(value) for key, value in params.items() if value not in (None, "")}
        if self.explicit is not None:
            query["lang"] = self.explicit
        return f"{path}?{urlencode(query)}" if query else path

    def query_without_lang(self) -> dict[str, str]:
        return {k: v for k, v in self.request.query_params.items() if k != "lang"}

    def address(self, language: str | None) -> str:
        """This page's absolute address in ``language`` (None: without ``lang``, the
        Swedish default), its other query words kept in order: for canonical and
        hreflang links."""
        request = self.request
        base = public_base(request, request.app.state.settings)
        query = {**self.query_without_lang(), **({"lang": language} if language else {})}
        return f"{base}{request.url.path}" + (f"?{urlencode(query)}" if query else "")

    def switch_url(self) -> str:
        """This page in the other language."""
        other = "en" if self.language == "sv" else "sv"
        query = {**self.query_without_lang(), "lang": other}
        return f"{self.request.url.path}?{urlencode(query)}"

    @property
    def other_language(self) -> str:
        return "en" if self.language == "sv" else "sv"


def get_templates(request: Request) -> Templates:
    templates: Templates = request.app.state.templates
    return templates
