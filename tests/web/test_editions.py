"""Editions (contract v2): a journalist cites a ranking that never changes under them."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from tests.helpers import csv_body, post_csv, shamelist


def _complaints(client: TestClient, auth: dict[str, str], *lines: str) -> None:
    body = csv_body("company,metric,period,value", *lines)
    assert post_csv(client, "complaints", body, auth).status_code == 201


def _publish(database_url: str, period: str, title: str) -> int:
    done = shamelist(database_url, "edition", "publish", period, "--title", title)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_an_edition_stays_byte_for_byte_the_same(
    client: TestClient, auth: dict[str, str], database_url: str
) -> None:
    _complaints(client, auth, "Utgåva A AB,complaints,2025,30", "Utgåva B AB,complaints,2025,20")
    live = client.get("/rankings.csv", params={"metric": "complaints", "period": "2025"}).content
    edition = _publish(database_url, "2025", "Skamlistan 2025")
    frozen_url = f"/editions/{edition}/rankings.csv?metric=complaints"
    frozen = client.get(frozen_url)
    assert frozen.status_code == 200
    assert frozen.content == live
    assert "immutable" in frozen.headers["cache-control"]
    page = client.get(f"/editions/{edition}").text
    expected = hashlib.sha256(b"complaints,\n" + live).hexdigest()
    assert expected in page

    _complaints(client, auth, "Utgåva A AB,complaints,2025,5", "Utgåva C AB,complaints,2025,50")
    note = shamelist(database_url, "edition", "note", str(edition), "Utgåva A:s siffra rättades.")
    assert note.returncode == 0, note.stderr
    assert client.get(frozen_url).content == live
    page = client.get(f"/editions/{edition}").text
    assert "Utgåva A:s siffra rättades." in page
    data = client.get(f"/api/v1/editions/{edition}").json()
    assert data["sha256"] == expected
    assert data["notes"][0]["text"] == "Utgåva A:s siffra rättades."
    assert [r["company"] for r in data["rankings"][0]["rows"]] == ["Utgåva A AB", "Utgåva B AB"]


def test_an_edition_shows_its_diff_and_the_feed_lists_editions(
    client: TestClient, auth: dict[str, str], database_url: str
) -> None:
    _complaints(
        client,
        auth,
        "Diff A AB,complaints,2024,10",
        "Diff B AB,complaints,2024,20",
        "Diff C AB,complaints,2024,30",
        "Diff A AB,complaints,2025,40",
        "Diff B AB,complaints,2025,20",
        "Diff D AB,complaints,2025,5",
    )
    _publish(database_url, "2024", "Skamlistan 2024")
    edition = _publish(database_url, "2025", "Skamlistan 2025")
    page = client.get(f"/editions/{edition}").text
    assert "Jämfört med Skamlistan 2024" in page
    assert "Nya på listan: Diff D AB" in page
    assert "Borta från listan: Diff C AB" in page
    assert "Diff A AB (3 → 1)" in page
    feed = ET.fromstring(client.get("/editions.atom").content)
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title")
        for e in feed.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert titles == ["Skamlistan 2025", "Skamlistan 2024"]
    assert "Skamlistan 2025" in client.get("/editions").text
    assert client.get("/editions/999").status_code == 404
    empty = shamelist(database_url, "edition", "publish", "2019")
    assert empty.returncode != 0
