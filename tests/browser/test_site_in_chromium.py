"""The public site in a real Chromium: what a visitor does, with no console errors.

Each step keeps a full-page screenshot in test-artifacts/browser/ (also at a
360 x 740 phone size for the front page and a company page) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.served import Site

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000

# Chromium reports CSP violations as console errors already; the listener makes
# sure each one also says which directive and which URL, whatever the version.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# Links that lead to another page of the site, not to a download or the API.
PAGE_LINK = ':not([href*=".csv"]):not([href*="/api/"]):not([href*=".json"])'
COMPANY_LINK = f'a[href*="/companies/"]{PAGE_LINK}'

# For every <svg>: its size and how many data marks it draws (circles, bars,
# polyline points, path segments), so a chart frame without data is told apart.
SVG_MARKS = """
() => Array.from(document.querySelectorAll('svg')).map((svg) => {
  const box = svg.getBoundingClientRect();
  let marks = svg.querySelectorAll('circle, ellipse, rect').length;
  for (const shape of svg.querySelectorAll('polyline, polygon')) {
    const numbers = (shape.getAttribute('points') || '').trim().split(/[\\s,]+/).filter(Boolean);
    marks += Math.floor(numbers.length / 2);
  }
  for (const path of svg.querySelectorAll('path')) {
    marks += ((path.getAttribute('d') || '').match(/[LHVCSQTA]/gi) || []).length;
  }
  return {marks, width: box.width, height: box.height,
          label: svg.getAttribute('aria-label') || svg.querySelector('title')?.textContent || ''};
})
"""

# The words of the interface (not the data): titles, headings, navigation, table
# heads, form labels and buttons.
INTERFACE_TEXT = """
() => [document.title, ...Array.from(
  document.querySelectorAll('h1, h2, h3, nav, th, label, button, caption, footer')
).map((element) => element.innerText)].join('\\n')
"""


@dataclass
class Watch:
    """Console errors, uncaught exceptions, CSP violations and requests to other origins."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.set_default_timeout(TIMEOUT_MS)
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))
        page.on("request", self._request)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(
                f"console error on {message.page and message.page.url}: {message.text}"
            )

    def _request(self, request: Request) -> None:
        url = request.url
        if not url.startswith((f"{self.origin}/", "data:", "blob:", "about:")):
            self.problems.append(f"request to another origin (the network is closed): {url}")

    def assert_clean(self) -> None:
        assert not self.problems, "the browser reported:\n" + "\n".join(self.problems)


@pytest.fixture
def watch(site: Site) -> Watch:
    return Watch(origin=site.url)


# A Swedish browser: the site follows Accept-Language when there is no ?lang=.
@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE", timezone_id="Europe/Stockholm")
    yield watch.attach(context.new_page())
    context.close()


@pytest.fixture
def phone(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    yield watch.attach(context.new_page())
    context.close()


def visit(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url} answered {response.status}"


def screenshot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def query(page: Page, name: str) -> str | None:
    values = parse_qs(urlparse(page.url).query).get(name)
    return values[0] if values else None


def assert_fits_phone(page: Page) -> None:
    """At 360 px the page itself must not scroll sideways (a wide table may, inside itself).

    Mobile emulation widens the layout viewport to fit overflowing content, so the
    page's width is compared with the phone's, not with ``window.innerWidth``.
    """
    overflowing = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('body *'))
            .filter((element) => element.getBoundingClientRect().right > limit + 1)
            .filter((element) => !element.parentElement.closest('.table-wrap, pre'))
            .slice(0, 5)
            .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`
                 + ` ends at ${Math.round(element.getBoundingClientRect().right)} px`)""",
        PHONE["width"],
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{page.url} is {width} px wide on a {PHONE['width']} px phone; too wide: {overflowing}"
    )


def choose_metric(page: Page, metric: str) -> None:
    """Click the metric's tab link, or pick it in a metric <select> and submit."""
    link = page.locator(f'a[href*="metric={metric}"]{PAGE_LINK}')
    if link.count():
        link.first.click()
    else:
        choose_in_form(page, "metric", metric)
    page.wait_for_url(re.compile(rf"[?&]metric={metric}(&|$)"))


def choose_other_period(page: Page) -> str:
    """Pick a period other than the one shown, with links or a <select>; returns it."""
    shown = query(page, "period")
    select = page.locator("select[name=period]")
    if select.count():
        shown = shown or select.first.input_value()
        values = select.first.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        choice = next((value for value in values if value and value != shown), None)
        assert choice, f"the period picker offers nothing but {shown}: {values}"
        choose_in_form(page, "period", choice)
    else:
        links = page.locator(f'a[href*="period="]{PAGE_LINK}')
        hrefs = links.evaluate_all(
            "(links) => links.map((link) => link.getAttribute('aria-current') ? '' : link.href)"
        )
        choice = None
        for index, href in enumerate(hrefs):
            period = parse_qs(urlparse(urljoin(page.url, href)).query).get("period", [""])[0]
            if period and period != shown and "/companies/" not in href:
                choice = period
                links.nth(index).click()
                break
        assert choice, f"no period picker (links or a select) on {page.url}"
    page.wait_for_url(re.compile(rf"[?&]period={re.escape(choice)}(&|$)"))
    return choice


def choose_in_form(page: Page, name: str, value: str) -> None:
    """Select ``value`` in the <select name=...>; submit its form unless it submits itself."""
    select = page.locator(f"select[name={name}]").first
    select.select_option(value)
    try:
        page.wait_for_url(re.compile(rf"[?&]{name}={re.escape(value)}(&|$)"), timeout=1_500)
    except PlaywrightTimeoutError:
        form = select.locator("xpath=ancestor::form")
        form.locator("button, input[type=submit]").first.click()


def chart_marks(page: Page) -> list[dict[str, object]]:
    marks: list[dict[str, object]] = page.evaluate(SVG_MARKS)
    return marks


def test_front_page_shows_a_ranking_on_desktop_and_phone(
    site: Site, page: Page, phone: Page, watch: Watch, artifacts: Path
) -> None:
    visit(page, f"{site.url}/")
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator(COMPANY_LINK).first).to_be_visible()
    screenshot(page, artifacts, "01-front")

    visit(phone, f"{site.url}/")
    expect(phone.locator(COMPANY_LINK).first).to_be_visible()
    screenshot(phone, artifacts, "02-front-phone")
    watch.assert_clean()
    assert_fits_phone(phone)


def test_switching_metric_and_period_keeps_the_other_choice(
    site: Site, page: Page, watch: Watch, artifacts: Path
) -> None:
    visit(page, f"{site.url}/")
    choose_metric(page, "wait_median")
    expect(page.locator(COMPANY_LINK).first).to_be_visible()
    screenshot(page, artifacts, "03-rankings-wait-median")

    period = choose_other_period(page)
    assert query(page, "metric") == "wait_median", (
        f"choosing period {period} lost the metric: {page.url}"
    )
    expect(page.locator(COMPANY_LINK).first).to_be_visible()
    screenshot(page, artifacts, f"04-rankings-wait-median-{period}")
    watch.assert_clean()


def test_company_page_draws_a_chart_with_data(
    site: Site, page: Page, phone: Page, watch: Watch, artifacts: Path
) -> None:
    visit(page, f"{site.url}/")
    page.locator(COMPANY_LINK).first.click()
    page.wait_for_url(re.compile(r"/companies/[^/?#.]+"))
    expect(page.locator("h1").first).to_be_visible()
    charts = [svg for svg in chart_marks(page) if svg["width"] and svg["height"]]
    assert charts, f"no visible <svg> chart on {page.url}"
    best = max(charts, key=lambda svg: int(str(svg["marks"])))
    assert int(str(best["marks"])) >= 6, f"the chart on {page.url} draws no data: {charts}"
    screenshot(page, artifacts, "05-company")

    visit(phone, page.url)
    charts = [svg for svg in chart_marks(phone) if svg["width"] and svg["height"]]
    assert charts, f"no visible <svg> chart on {phone.url} at phone size"
    screenshot(phone, artifacts, "06-company-phone")
    watch.assert_clean()
    assert_fits_phone(phone)


def test_english_interface_with_lang_en(
    site: Site, page: Page, watch: Watch, artifacts: Path
) -> None:
    visit(page, f"{site.url}/")
    assert page.locator("html").get_attribute("lang") == "sv"
    swedish = page.evaluate(INTERFACE_TEXT)

    visit(page, f"{site.url}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    english = page.evaluate(INTERFACE_TEXT)
    assert english != swedish, "?lang=en shows the same interface text as Swedish"
    screenshot(page, artifacts, "07-front-en")
    watch.assert_clean()
