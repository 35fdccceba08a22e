"""axe-core, the accessibility checker, on every page type, on a phone and a desktop:
no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.pages import PAGES
from tests.browser.served import Site

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
VIEWPORTS = {"phone": {"width": 360, "height": 800}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def viewer(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="sv-SE")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(
    site: Site, viewer: Page, axe: Axe, path: str, language: str
) -> None:
    separator = "&" if "?" in path else "?"
    response = viewer.goto(f"{site.url}{path}{separator}lang={language}", wait_until="load")
    assert response is not None
    assert response.status == 200
    results = axe.run(viewer)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}; "
        f"{[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert serious == [], f"{path}: {serious}"
