"""How sure a rank is (contract v2), against textbook values."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from scipy.stats import binom

from app.metrics import get_metric
from app.services.uncertainty import Counted, interval, likely_places, signals
from tests.helpers import csv_body, post_csv

RATE = get_metric("complaints_per_100k")
SHARE = get_metric("abandoned_share")


def test_exact_poisson_intervals_of_a_rate() -> None:
    """Garwood's exact 95 % interval: 0 -> [0, 3.689], 10 -> [4.795, 18.390] (per 100,000
    customers when there are 100,000)."""
    assert interval(RATE, Counted(0, 100_000)) == (Decimal("0.00"), Decimal("3.69"))
    assert interval(RATE, Counted(10, 100_000)) == (Decimal("4.80"), Decimal("18.39"))
    assert interval(RATE, Counted(10, 50_000)) == (Decimal("9.59"), Decimal("36.78"))


def test_wilson_intervals_of_a_share() -> None:
    """Wilson score intervals: 8 of 10 -> [0.4902, 0.9433]; 0 of 10 -> [0, 0.2775]."""
    assert interval(SHARE, Counted(8, 10)) == (Decimal("0.4902"), Decimal("0.9433"))
    assert interval(SHARE, Counted(0, 10)) == (Decimal("0.0000"), Decimal("0.2775"))
    assert interval(SHARE, Counted(10, 10)) == (Decimal("0.7225"), Decimal("1.0000"))


def test_counts_have_no_interval() -> None:
    assert interval(get_metric("complaints"), Counted(5, 1)) is None


def test_likely_places_count_the_surely_worse_and_the_possibly_as_bad() -> None:
    places = likely_places(
        {
            1: (Decimal(10), Decimal(12)),  # surely worse than 3 and 4
            2: (Decimal(9), Decimal(11)),
            3: (Decimal(4), Decimal(8)),
            4: (Decimal(1), Decimal(5)),
        }
    )
    assert places == {1: (1, 2), 2: (1, 2), 3: (3, 4), 4: (3, 4)}


def test_signals_follow_the_poisson_and_binomial_tails() -> None:
    rates = signals(
        RATE,
        {
            1: Counted(100, 10_000),
            2: Counted(10, 10_000),
            3: Counted(55, 10_000),
            4: Counted(0, 9_000),
        },
    )
    # p0 = 165 / 39,000; company 1 expects 42.3 and has 100: far beyond the 0.1 % tail.
    assert rates[1] == "much_worse"
    assert rates[2] == "much_better"
    assert rates[3] == "as_expected"
    assert rates[4] == "much_better"
    shares = signals(SHARE, {1: Counted(30, 100), 2: Counted(20, 100), 3: Counted(10, 100)})
    assert shares == {1: "worse", 2: "as_expected", 3: "better"}


def test_the_csv_and_the_json_carry_the_sixteen_fields(
    client: TestClient, auth: dict[str, str]
) -> None:
    lines = ["company,metric,period,value"]
    lines += [f"Säkerbolag {n} AB,complaints,2025,{10 * (n + 1)}" for n in range(3)]
    assert post_csv(client, "complaints", csv_body(*lines), auth).status_code == 201
    customers = ["company,year,customers"] + [f"Säkerbolag {n} AB,2025,100000" for n in range(3)]
    assert post_csv(client, "customers", csv_body(*customers), auth).status_code == 201
    query = {"metric": "complaints_per_100k", "period": "2025"}
    header, *rows = client.get("/rankings.csv", params=query).text.splitlines()
    assert header.lstrip("\ufeff") == (
        "rank,company,slug,org_number,sector,metric,period,value,sample_size,previous_rank,"
        "channel,value_low,value_high,rank_low,rank_high,signal"
    )
    # 30 of 100,000: the exact interval of 30 is [20.24, 42.83].
    assert rows[0].endswith(",30.00,,,,20.24,42.83,1,2,worse")
    json_rows = client.get("/api/v1/rankings", params=query).json()["rows"]
    assert (json_rows[0]["value_low"], json_rows[0]["value_high"]) == (20.24, 42.83)
    assert json_rows[0]["signal"] == "worse"
    assert json_rows[0]["channel"] is None
    plain = client.get("/rankings.csv", params={"period": "2025"}).text.splitlines()[1]
    assert plain.endswith(",,,,,,")  # counts: no channel, no interval, no signal


def test_the_page_says_the_likely_places(client: TestClient, auth: dict[str, str]) -> None:
    lines = ["company,metric,period,value"]
    lines += [f"Trolig {n} AB,complaints,2025,{10 + n}" for n in range(3)]
    assert post_csv(client, "complaints", csv_body(*lines), auth).status_code == 201
    customers = ["company,year,customers"] + [f"Trolig {n} AB,2025,100000" for n in range(3)]
    assert post_csv(client, "customers", csv_body(*customers), auth).status_code == 201
    page = client.get("/rankings", params={"metric": "complaints_per_100k", "period": "2025"})
    assert "troligen plats 1–3" in page.text


def test_a_medians_interval_is_the_textbook_order_statistics(
    client: TestClient, auth: dict[str, str]
) -> None:
    """[x(l), x(n - l + 1)] with l = binom.ppf(0.025, n, 0.5), against the raw waits."""
    waits = {
        "Ordning A AB": [7 * k % 97 + 30 for k in range(1, 40)],
        "Ordning B AB": [11 * k % 89 + 5 for k in range(1, 24)],
        "Ordning C AB": [300 + k for k in range(12)],
    }
    lines = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    for name, seconds in waits.items():
        for i, wait in enumerate(seconds):
            stamp = f"2025-05-{1 + i % 28:02d}T{8 + i // 28:02d}:00:00+02:00"
            lines.append(f"{name},{stamp},phone,{wait},answered,{name[8]}{i}")
    assert post_csv(client, "waits", csv_body(*lines), auth).status_code == 201
    rows = client.get("/api/v1/rankings", params={"metric": "wait_median", "period": "2025"})
    found = {row["company"]: (row["value_low"], row["value_high"]) for row in rows.json()["rows"]}
    for name, seconds in waits.items():
        ordered, n = sorted(seconds), len(seconds)
        low = max(1, int(binom.ppf(0.025, n, 0.5)))
        assert found[name] == (ordered[low - 1], ordered[n - low]), name


def _complaints_and_customers(
    client: TestClient, auth: dict[str, str], figures: dict[str, tuple[int, int]]
) -> None:
    """Each company's complaints and customers in 2025: a rate ranking with a funnel."""
    lines = ["company,metric,period,value"]
    lines += [f"{name},complaints,2025,{count}" for name, (count, _) in figures.items()]
    assert post_csv(client, "complaints", csv_body(*lines), auth).status_code == 201
    customers = ["company,year,customers"]
    customers += [f"{name},2025,{size}" for name, (_, size) in figures.items()]
    assert post_csv(client, "customers", csv_body(*customers), auth).status_code == 201


def test_the_rate_ranking_draws_its_funnel_with_a_table(
    client: TestClient, auth: dict[str, str]
) -> None:
    figures = {f"Tratt {n} AB": (5 + 7 * n, 20_000 * (n + 1)) for n in range(6)}
    _complaints_and_customers(client, auth, figures)
    page = client.get("/rankings", params={"metric": "complaints_per_100k", "period": "2025"})
    text = page.text
    assert 'class="chart funnel-chart"' in text
    assert text.count('<circle class="data-point"') == 6
    assert text.count("<polyline") >= 4  # 95 % and 99.8 %, lower and upper
    assert "Företagen i diagrammet" in text
    counts = client.get("/rankings", params={"period": "2025"}).text
    assert "funnel-chart" not in counts


def test_the_funnel_names_and_lists_only_the_companies_of_its_page(
    client: TestClient, auth: dict[str, str]
) -> None:
    """Every ranked company is in the plot; only the page's 50 are dots of their own with
    a name and a row in the table, the others one path per colour (a page of a 5,000
    company ranking drawn whole was 2 MB)."""
    figures = {f"Trattföretag {n:02d} AB": (5 + n, 10_000 + 1_000 * n) for n in range(60)}
    _complaints_and_customers(client, auth, figures)
    for page, named in ((1, 50), (2, 10)):
        params = {"metric": "complaints_per_100k", "period": "2025", "page": page}
        text = client.get("/rankings", params=params).text
        start = text.index('class="chart funnel-chart"')
        funnel = text[start : text.index("</section>", start)]
        assert funnel.count('<circle class="data-point"') == named
        others = re.findall(r'<path class="data-points" d="([^"]*)"', funnel)
        assert sum(path.count("M") for path in others) == 60 - named
        assert funnel.count('<tr><th scope="row">') == named
