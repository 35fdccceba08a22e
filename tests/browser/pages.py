"""Every page type of the demo site, as the browser suite visits them."""

from __future__ import annotations

from app.metrics import METRIC_SLUGS

# A company of the demo data with every kind of figure.
COMPANY = "/companies/exempeltele"
PAGES = [
    *(f"/rankings?metric={metric}" for metric in METRIC_SLUGS),
    "/",
    COMPANY,
    "/search?q=bank",
    "/methodology",
    "/sources",
    "/data",
    "/om",
    "/imports/1",
    f"{COMPANY}/reply",
    "/editions",
]
