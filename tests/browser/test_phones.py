"""Every page type on a 360 and a 390 px phone: nothing wider than the screen, and every
figure on screen whole (not cut by a scrolling table, not clipped by its cell).

Screenshots of each page are kept in test-artifacts/browser/phones/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.pages import COMPANY, PAGES
from tests.browser.served import Site

pytestmark = pytest.mark.browser

WIDTHS = (360, 390)
# The cells and boxes that hold a figure, where they are shown at all.
FIGURES_OFF_SCREEN = """
(width) => Array.from(document.querySelectorAll(
    'td.num, td.col-value, td.col-change, .standing-value'))
  .filter((cell) => cell.offsetParent !== null && !cell.closest('details:not([open])'))
  .filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.left < -0.5 || box.right > width + 0.5 || cell.scrollWidth > cell.clientWidth + 1;
  })
  .slice(0, 5)
  .map((cell) => `"${cell.innerText.trim()}" at ${Math.round(cell.getBoundingClientRect().left)}`
       + `-${Math.round(cell.getBoundingClientRect().right)} px`)
"""


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": request.param, "height": 800},
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shots(artifacts: Path) -> Path:
    folder = artifacts / "phones"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_figure_is_on_a_phone_screen(
    site: Site, phone: Page, shots: Path, path: str, language: str
) -> None:
    separator = "&" if "?" in path else "?"
    response = phone.goto(f"{site.url}{path}{separator}lang={language}", wait_until="load")
    assert response is not None
    assert response.status == 200
    width = phone.viewport_size["width"] if phone.viewport_size else 0
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "front"
    phone.screenshot(path=shots / f"{width}-{language}-{name}.png", full_page=True)
    page_width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= width, f"{path} is {page_width} px wide on a {width} px phone"
    off_screen = phone.evaluate(FIGURES_OFF_SCREEN, width)
    assert off_screen == [], f"{path} at {width} px: figures off screen or cut: {off_screen}"
    if path.startswith("/rankings") or path == "/":
        assert phone.locator("table.ranking td.col-value").count() > 0, f"no figures on {path}"


# Each chart on the page: its box, and how many points it draws.
CHANNEL_CHARTS = """
() => Array.from(document.querySelectorAll('.channel-history svg.chart')).map((svg) => {
  const box = svg.getBoundingClientRect();
  return {id: svg.getAttribute('aria-labelledby'), left: box.left, right: box.right,
          height: box.height, points: svg.querySelectorAll('.data-point').length};
})
"""


@pytest.mark.parametrize(("language", "heading"), [("sv", "Chatt"), ("en", "Chat")])
def test_the_chat_charts_are_whole_on_a_phone(
    site: Site, phone: Page, shots: Path, language: str, heading: str
) -> None:
    # The demo company measures its chat as well as its phone.
    phone.goto(f"{site.url}{COMPANY}?lang={language}", wait_until="load")
    width = phone.viewport_size["width"] if phone.viewport_size else 0
    chat = phone.locator("#channel-chat")
    assert chat.locator("h3").inner_text() == heading
    chat.scroll_into_view_if_needed()
    phone.screenshot(path=shots / f"{width}-{language}-company-chat.png", full_page=True)
    chat.screenshot(path=shots / f"{width}-{language}-company-chat-section.png")
    charts = phone.evaluate(CHANNEL_CHARTS)
    assert charts, "no chat chart on the company page"
    for chart in charts:
        assert chart["points"] > 0, chart
        assert chart["height"] > 0, chart
        assert chart["left"] >= -0.5, chart
        assert chart["right"] <= width + 0.5, chart
