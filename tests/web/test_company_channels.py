"""The company page charts every channel with wait figures, not only the phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from app.display import metric_value
from app.metrics import get_metric
from tests.helpers import csv_body, post_csv

# Each channel's waits: the medians differ, so a chart drawn from the wrong channel shows.
SECONDS_STEP = {"phone": 60, "chat": 10, "email": 600}


def _waits(company: str, channels: tuple[str, ...]) -> bytes:
    rows = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    for channel in channels:
        step = SECONDS_STEP[channel]
        rows += [
            f"{company},2025-03-{day:02d}T10:00:00+01:00,{channel},{step * day},answered,"
            f"{channel}-{company[:4]}-{day}"
            for day in range(1, 13)
        ]
    return csv_body(*rows)


def _median(channel: str, language: str) -> str:
    # Twelve waits step x 1..12: the median is step x 6.5.
    median = Decimal(SECONDS_STEP[channel]) * Decimal("6.5")
    return metric_value(get_metric("wait_median"), median, language)


def _section(text: str, section_id: str) -> str:
    start = text.index(f'id="{section_id}"')
    return text[start : text.index("</section>\n</section>", start)]


@pytest.fixture
def three_channels(client: TestClient, auth: dict[str, str]) -> str:
    body = _waits("Kanalbolaget AB", ("phone", "chat", "email"))
    assert post_csv(client, "waits", body, auth).status_code == 201
    return "/companies/kanalbolaget"


def test_a_company_with_chat_and_email_waits_gets_a_chart_for_each_channel(
    client: TestClient, three_channels: str
) -> None:
    text = client.get(three_channels).text
    chat, email = _section(text, "channel-chat"), _section(text, "channel-email")
    assert '<h3 id="h-channel-chat">Chatt</h3>' in chat
    assert '<h3 id="h-channel-email">E-post</h3>' in email
    for section, channel in ((chat, "chat"), (email, "email")):
        assert '<svg class="chart"' in section
        assert f'id="chart-wait_median-{channel}"' in section
        assert 'class="data-point"' in section
        # The chart and its table hold this channel's median, not the phone's.
        assert _median(channel, "sv") in section
        assert _median("phone", "sv") not in section
    assert text.index('id="h-wait_median"') < text.index('id="channel-chat"')
    assert text.index('id="channel-chat"') < text.index('id="channel-email"')


def test_the_channel_charts_are_titled_in_english_on_the_english_page(
    client: TestClient, three_channels: str
) -> None:
    text = client.get(f"{three_channels}?lang=en").text
    assert '<h3 id="h-channel-chat">Chat</h3>' in text
    assert '<h3 id="h-channel-email">Email</h3>' in text
    assert "Chat – Wait (median)" in text
    assert _median("chat", "en") in _section(text, "channel-chat")


def test_a_company_with_phone_waits_only_gets_no_other_channel(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert post_csv(client, "waits", _waits("Bara Telefon AB", ("phone",)), auth).status_code == 201
    text = client.get("/companies/bara-telefon").text
    assert 'id="chart-wait_median"' in text
    assert "channel-history" not in text


def test_a_company_with_chat_and_email_is_read_in_as_many_statements_as_one_with_phone_only(
    client: TestClient, auth: dict[str, str], three_channels: str, statements: list[str]
) -> None:
    assert post_csv(client, "waits", _waits("Bara Telefon AB", ("phone",)), auth).status_code == 201

    def count(path: str) -> int:
        statements.clear()
        assert client.get(path).status_code == 200
        return len(statements)

    # What every page of a data version shares (demo data loaded, data as of) read first;
    # the first company page of the version still counts the places of every company.
    client.get("/om")
    assert count(three_channels) <= 12
    phone_only, three = count("/companies/bara-telefon"), count(f"{three_channels}?lang=en")
    assert 0 < phone_only == three
