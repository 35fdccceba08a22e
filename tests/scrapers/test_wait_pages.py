"""Wait pages: announced waits read from companies' own pages; drift and held-for-review."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.schemas import WaitRecord, parse_row
from scrapers.base import (
    Document,
    DriftError,
    HeldForReview,
    LastRun,
    ParseResult,
    ScrapeOptions,
)
from scrapers.sources import wait_pages

FIXTURES = Path(__file__).parent.parent / "fixtures" / "wait-pages"
OPTIONS = ScrapeOptions(config=FIXTURES / "pages.toml")
FETCHED_AT = datetime(2025, 11, 20, 9, 15, tzinfo=timezone(timedelta(hours=1)))
STAMP = "2025-11-20T09:15:00+01:00"
TELE = "https://example.org/exempeltele/kundservice"
BANK = "https://example.org/pahittade-banken/kontakta-oss"
EL = "https://example.org/latsasel/kundtjanst"
# url -> (saved file, its encoding)
SAVED = {
    TELE: ("exempeltele.html", "utf-8"),
    BANK: ("pahittade-banken.html", "utf-8"),
    EL: ("latsasel.html", "windows-1252"),
}
Pages = dict[str, str]


def saved_pages() -> Pages:
    return {url: (FIXTURES / name).read_text(encoding=enc) for url, (name, enc) in SAVED.items()}


def documents(pages: Pages) -> list[Document]:
    return [
        Document(
            url=url,
            body=html.encode(SAVED[url][1]),
            content_type=f"text/html; charset={SAVED[url][1]}",
            fetched_at=FETCHED_AT,
        )
        for url, html in pages.items()
    ]


def run(pages: Pages, last: LastRun | None = None) -> ParseResult:
    result = wait_pages.parse(documents(pages), OPTIONS)
    wait_pages.check(result, last)
    return result


def test_saved_pages_give_one_announced_wait_each() -> None:
    result = run(saved_pages(), LastRun(rows=3))
    assert result.rows == [
        {
            "company": "Exempeltele AB",
            "org_number": "999999-9999",
            "measured_at": STAMP,
            "channel": "phone",
            "wait_seconds": "720",
            "outcome": "announced",
            "external_id": f"Exempeltele AB:{STAMP}",
            "source_url": TELE,
        },
        {
            "company": "Påhittade Banken",
            "measured_at": STAMP,
            "channel": "phone",
            "wait_seconds": "3900",
            "outcome": "announced",
            "external_id": f"Påhittade Banken:{STAMP}",
            "source_url": BANK,
        },
        {
            "company": "Låtsasel Energi AB",
            "measured_at": STAMP,
            "channel": "chat",
            "wait_seconds": "45",
            "outcome": "announced",
            "external_id": f"Låtsasel Energi AB:{STAMP}",
            "source_url": EL,
        },
    ]
    assert [item["shown"] for item in result.evidence] == [
        "Beräknad väntetid: 12 min",
        "Väntetid ca 1 tim 5 min",
        "Kötid: 45 sekunder",
    ]


def test_rows_are_accepted_by_the_import_contract() -> None:
    for row in run(saved_pages()).rows:
        assert isinstance(parse_row("waits", row), WaitRecord), row


def test_a_modest_improvement_is_published() -> None:
    last = LastRun(rows=3, values={"Exempeltele AB": 900.0, "Påhittade Banken": 4000.0})
    assert len(run(saved_pages(), last).rows) == 3


def test_fetch_asks_for_every_configured_page() -> None:
    class Client:
        def __init__(self) -> None:
            self.urls: list[str] = []

        def get(self, url: str) -> Document:
            self.urls.append(url)
            return Document(url=url, body=b"")

    client = Client()
    assert len(wait_pages.fetch(client, OPTIONS)) == 3
    assert client.urls == [TELE, BANK, EL]


def test_a_pattern_without_the_wait_group_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "pages.toml"
    config.write_text(
        '[[page]]\ncompany = "X AB"\nurl = "https://example.org/"\n'
        'selector = "p"\npattern = \'(\\d+) min\'\nunit = "min"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="named group"):
        wait_pages.load_config(config)


def test_without_a_configuration_nothing_is_parsed() -> None:
    with pytest.raises(ValueError, match="configuration file"):
        wait_pages.parse(documents(saved_pages()), ScrapeOptions())


def _edit(url: str, old: str, new: str) -> Callable[[Pages], Pages]:
    def mutate(pages: Pages) -> Pages:
        assert old in pages[url]
        return {**pages, url: pages[url].replace(old, new)}

    mutate.__name__ = f"{old} -> {new}"
    return mutate


def selector_renamed(pages: Pages) -> Pages:
    return _edit(TELE, 'class="queue-time"', 'class="queue-status"')(pages)


def text_for_the_number(pages: Pages) -> Pages:
    return _edit(TELE, "<strong>12</strong>", "<strong>några</strong>")(pages)


def label_changed(pages: Pages) -> Pages:
    return _edit(TELE, "Beräknad väntetid:", "Din plats i kön:")(pages)


def unit_changed_to_minutes(pages: Pages) -> Pages:
    return _edit(EL, "Kötid: 45 sekunder", "Kötid: 45 minuter")(pages)


def unit_changed_to_hours(pages: Pages) -> Pages:
    return _edit(EL, "Kötid: 45 sekunder", "Kötid: 2 timmar")(pages)


def wait_implausibly_long(pages: Pages) -> Pages:
    return _edit(BANK, "ca 1 tim 5 min", "ca 9 tim 5 min")(pages)


def queue_list_emptied(pages: Pages) -> Pages:
    return {**pages, EL: re.sub(r"<ul.*?</ul>", "<ul></ul>", pages[EL], flags=re.DOTALL)}


def two_of_three_pages_gone(pages: Pages) -> Pages:
    return {TELE: pages[TELE]}


def _cut(url: str, after: str) -> Callable[[Pages], Pages]:
    def mutate(pages: Pages) -> Pages:
        assert after in pages[url]
        return {**pages, url: pages[url][: pages[url].index(after) + len(after)]}

    mutate.__name__ = f"cut after {after}"
    return mutate


def second_queue_time_element(pages: Pages) -> Pages:
    return _edit(
        TELE,
        "</section>\n  <section",
        '<div class="queue-time">Beräknad väntetid: <strong>3</strong> min</div></section>\n  <section',
    )(pages)


def pattern_found_twice(pages: Pages) -> Pages:
    return _edit(
        BANK, "Väntetid ca 1 tim 5 min", "Väntetid ca 1 tim 5 min (i går: Väntetid ca 4 min)"
    )(pages)


MUTATIONS: list[tuple[Callable[[Pages], Pages], str, LastRun | None]] = [
    (_cut(EL, "Kötid: 4"), "page is whole", None),
    (_cut(TELE, "<strong>1"), "page is whole", None),
    (_cut(BANK, "</main>"), "page is whole", None),
    (_edit(EL, "</ul>", ""), "page is whole", None),
    (second_queue_time_element, "selector matches once", None),
    (pattern_found_twice, "pattern matches once", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 1:75"), "wait reads whole", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 45 sekunders"), "wait reads whole", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 4,50 minuter"), "wait reads whole", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 30–45 sekunder"), "wait reads whole", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 45+ sekunder"), "wait reads whole", None),
    (_edit(BANK, "ca 1 tim 5 min", "ca 5 min 1 tim"), "wait reads whole", None),
    (_edit(BANK, "ca 1 tim 5 min", "ca 1 tim och"), "wait reads whole", None),
    (_edit(BANK, "ca 1 tim 5 min", "mindre än 2 minuter"), "pattern matches", None),
    (_edit(TELE, "<strong>12</strong> min", "1 <strong>2</strong> min"), "pattern matches", None),
    (_edit(EL, "Kötid: 45 sekunder", "Kötid: 1:05 tim"), "unit unchanged", None),
    (selector_renamed, "selector matches", None),
    (text_for_the_number, "pattern matches", None),
    (label_changed, "pattern matches", None),
    (unit_changed_to_minutes, "unit unchanged", None),
    (unit_changed_to_hours, "unit unchanged", None),
    (wait_implausibly_long, "plausible wait", None),
    (queue_list_emptied, "selector matches", None),
    (two_of_three_pages_gone, "row count", LastRun(rows=3)),
]


@pytest.mark.parametrize(
    ("mutate", "expectation", "last"), MUTATIONS, ids=[m[0].__name__ for m in MUTATIONS]
)
def test_a_changed_page_is_drift(
    mutate: Callable[[Pages], Pages], expectation: str, last: LastRun | None
) -> None:
    with pytest.raises(DriftError) as caught:
        run(mutate(saved_pages()), last)
    assert caught.value.expectation == expectation
    assert expectation in str(caught.value)


# (mutation, url, the wait in seconds it must be read as)
READ_WHOLE = [
    pytest.param(_edit(EL, "45 sekunder", "0:45"), EL, 45, id="0:45 is m:ss"),
    pytest.param(_edit(EL, "45 sekunder", "1:02:03"), EL, 3723, id="1:02:03 is h:mm:ss"),
    pytest.param(_edit(EL, "45 sekunder", "1 200 sekunder"), EL, 1200, id="1 200 sekunder"),
    pytest.param(_edit(EL, "45 sekunder", "1&nbsp;200 sekunder"), EL, 1200, id="1 200 with NBSP"),
    pytest.param(_edit(EL, "45 sekunder", "45 sek."), EL, 45, id="45 sek."),
    pytest.param(
        _edit(BANK, "1 tim 5 min", "1 timme och 5 minuter"), BANK, 3900, id="1 timme och 5 minuter"
    ),
    pytest.param(_edit(BANK, "1 tim 5 min", "2 tim 5 min"), BANK, 7500, id="2 tim 5 min"),
    pytest.param(_edit(BANK, "ca 1 tim 5 min", "ca 5 min"), BANK, 300, id="ca 5 min"),
]


@pytest.mark.parametrize(("mutate", "url", "seconds"), READ_WHOLE)
def test_a_swedish_duration_is_read_whole(
    mutate: Callable[[Pages], Pages], url: str, seconds: int
) -> None:
    rows = run(mutate(saved_pages())).rows
    assert {row["source_url"]: int(row["wait_seconds"]) for row in rows}[url] == seconds


@pytest.mark.parametrize("url", list(SAVED))
def test_a_saved_page_cut_anywhere_is_drift(url: str) -> None:
    page = saved_pages()[url]
    for cut in range(0, len(page.rstrip()), 7):
        with pytest.raises(DriftError, match="page is whole"):
            run({**saved_pages(), url: page[:cut]})


def test_an_error_page_is_drift() -> None:
    [document, *_] = documents(saved_pages())
    failed = Document(url=document.url, body=b"<p>Tillf\xc3\xa4lligt fel</p>", status=503)
    with pytest.raises(DriftError, match="page answered"):
        wait_pages.parse([failed], OPTIONS)


@pytest.mark.parametrize(
    ("mutate", "last_values"),
    [
        pytest.param(lambda pages: pages, {"Exempeltele AB": 3600.0}, id="12 min after 1 h"),
        pytest.param(lambda pages: pages, {"exempeltele  ab": 3600.0}, id="name spelt differently"),
        pytest.param(
            _edit(BANK, "ca 1 tim 5 min", "ca 2 min"),
            {"Påhittade Banken": 3900.0},
            id="2 min after 65 min",
        ),
        pytest.param(
            _edit(TELE, "<strong>12</strong>", "<strong>0</strong>"),
            {"Exempeltele AB": 720.0},
            id="0 after 12 min",
        ),
    ],
)
def test_a_sudden_large_improvement_is_held_for_review(
    mutate: Callable[[Pages], Pages], last_values: dict[str, float]
) -> None:
    with pytest.raises(HeldForReview, match="sudden large improvement"):
        run(mutate(saved_pages()), LastRun(rows=3, values=last_values))
