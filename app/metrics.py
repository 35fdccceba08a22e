"""The metric registry: every metric of the contract, defined once.

Each entry says which figure the metric reads (its family and, for the count
families, the complaint metric behind it), which outcomes it counts, how many
decimals it is published with, the sample it needs to be ranked, its unit, and
how it is named and explained in Swedish and English. Rankings, company
pages, exports and the methodology page look a metric up here instead of
comparing metric names. Pure: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

MIN_SAMPLE = 10
# The contract's bar for over_3min_share: answered by a person within 180 seconds.
SLOW_SECONDS = 180

# Families: how a metric's value is computed, and from which stored aggregate.
COUNT = "count"  # a complaint count (complaint_period_values)
RATE = "rate"  # complaints per 100,000 customers (complaint_period_values, customer_counts)
MEDIAN = "median"  # a median wait (wait_period_medians)
SHARE = "share"  # a share of contacts (wait_month_counts)


@dataclass(frozen=True)
class Metric:
    slug: str
    family: str
    name: dict[str, str]
    summary: dict[str, str]
    definition: dict[str, str]
    unit: dict[str, str]
    # The complaint metric a count or rate reads; the outcome a median reads; the
    # column of wait_month_counts a share counts (abandoned or slow).
    reads: str
    # The outcomes whose months give the metric data (for its periods and default year).
    outcomes: tuple[str, ...] = ()
    decimals: int = 0

    # Cached: a ranking asks these of thousands of values.
    @cached_property
    def is_wait(self) -> bool:
        return self.family in (MEDIAN, SHARE)

    @cached_property
    def min_sample(self) -> int:
        """Contacts (or answered contacts, or announcements) needed to be ranked."""
        return MIN_SAMPLE if self.is_wait else 0

    @cached_property
    def step(self) -> Decimal:
        """The smallest step of a published value (0.01 for 2 decimals): values and
        their intervals are rounded half-up to it."""
        return Decimal(1).scaleb(-self.decimals)

    @cached_property
    def ranks_zero(self) -> bool:
        """Whether a value of 0 is ranked. A shame list names no one for nothing: a count
        or a rate of 0 is not ranked (contract v2); a wait figure of 0 still ranks."""
        return self.is_wait

    def format(self, value: Decimal) -> str:
        """The value as the contract writes it: shares with 4 decimals, per 100k with 2,
        counts whole, medians whole or with .5."""
        if self.decimals:
            return f"{value:.{self.decimals}f}"
        if value == value.to_integral_value():
            return str(int(value))
        return f"{value.normalize():f}"

    def text(self, language: str) -> dict[str, str]:
        """Name, summary, definition and unit in ``language`` (sv or en; sv otherwise)."""
        lang = language if language in self.name else "sv"
        return {
            "name": self.name[lang],
            "summary": self.summary[lang],
            "definition": self.definition[lang],
            "unit": self.unit[lang],
        }


def _texts(
    name: tuple[str, str], summary: tuple[str, str], extra: tuple[str, str], unit: tuple[str, str]
) -> dict[str, Any]:
    return {
        "name": {"sv": name[0], "en": name[1]},
        "summary": {"sv": summary[0], "en": summary[1]},
        "definition": {
            "sv": f"{summary[0]} {extra[0]}".strip(),
            "en": f"{summary[1]} {extra[1]}".strip(),
        },
        "unit": {"sv": unit[0], "en": unit[1]},
    }


_WAIT_RULE = (
    f"Bara företag med minst {MIN_SAMPLE} kontakter under perioden rankas; övriga listas "
    "som för få mätningar. En mätning hör till perioden för dess tidpunkt i svensk tid.",
    f"Only companies with at least {MIN_SAMPLE} contacts in the period are ranked; the "
    "others are listed as too few measurements. A measurement belongs to the period of its "
    "moment in Swedish time.",
)
_COUNT_RULE = (
    "Finns en siffra för exakt perioden används den. Annars läggs företagets siffror "
    "inom perioden ihop: månadssiffrorna om det finns sådana, annars kvartalssiffrorna, "
    "aldrig båda.",
    "The figure for exactly the period is used when the company has one; otherwise the "
    "sum of its figures inside the period at the finest granularity it has there "
    "(months, else quarters), never both.",
)
_MEASURED = ("answered", "abandoned")
_COUNT_UNIT = ("st", "count")

_REGISTRY = (
    Metric(
        "complaints",
        COUNT,
        reads="complaints",
        **_texts(
            ("Klagomål", "Complaints"),
            (
                "Antal klagomål registrerade hos Konsumentverket under perioden.",
                "Complaints registered with the consumer authority (Konsumentverket) in the "
                "period.",
            ),
            _COUNT_RULE,
            _COUNT_UNIT,
        ),
    ),
    Metric(
        "complaints_per_100k",
        RATE,
        reads="complaints",
        decimals=2,
        **_texts(
            ("Klagomål per 100 000 kunder", "Complaints per 100,000 customers"),
            (
                "Klagomål delat med antalet kunder periodens år, gånger 100 000, med två "
                "decimaler.",
                "Complaints divided by the customers of the period's year, times 100,000, "
                "to 2 decimals.",
            ),
            (
                "Företag utan kundantal för året utelämnas.",
                "Companies without a customer count for that year are left out.",
            ),
            ("per 100 000", "per 100,000"),
        ),
    ),
    Metric(
        "arn_cases",
        COUNT,
        reads="arn_cases",
        **_texts(
            ("ARN-ärenden", "ARN cases"),
            (
                "Antal anmälningar till Allmänna reklamationsnämnden (ARN) under perioden.",
                "Complaints filed with the National Board for Consumer Disputes (ARN) in the "
                "period.",
            ),
            _COUNT_RULE,
            _COUNT_UNIT,
        ),
    ),
    Metric(
        "arn_unfollowed",
        COUNT,
        reads="arn_unfollowed",
        **_texts(
            ("Ej följda ARN-beslut", "ARN decisions not followed"),
            (
                "Antal beslut från ARN som företaget inte följde under perioden.",
                "ARN decisions the company did not follow in the period.",
            ),
            _COUNT_RULE,
            _COUNT_UNIT,
        ),
    ),
    Metric(
        "wait_median",
        MEDIAN,
        reads="answered",
        outcomes=_MEASURED,
        **_texts(
            ("Väntetid (median)", "Wait (median)"),
            (
                "Medianväntetiden i sekunder för kontakter som besvarades av en människa.",
                "The median wait in seconds of contacts a person answered.",
            ),
            (
                f"Vid ett jämnt antal är medianen medelvärdet av de två mittersta. "
                f"Minst {MIN_SAMPLE} besvarade kontakter krävs. {_WAIT_RULE[0]}",
                f"With an even number it is the mean of the two middle values. At least "
                f"{MIN_SAMPLE} answered contacts are needed. {_WAIT_RULE[1]}",
            ),
            ("sekunder", "seconds"),
        ),
    ),
    Metric(
        "abandoned_share",
        SHARE,
        reads="abandoned",
        outcomes=_MEASURED,
        decimals=4,
        **_texts(
            ("Andel avbrutna", "Abandoned share"),
            (
                "Andelen kontakter som avbröts innan någon människa svarade, av alla "
                "kontakter (0–1).",
                "Abandoned contacts divided by all contacts in the period (0 to 1).",
            ),
            (f"Fyra decimaler. {_WAIT_RULE[0]}", f"4 decimals. {_WAIT_RULE[1]}"),
            ("andel", "share"),
        ),
    ),
    Metric(
        "over_3min_share",
        SHARE,
        reads="slow",
        outcomes=_MEASURED,
        decimals=4,
        **_texts(
            ("Andel över 3 minuter", "Share over 3 minutes"),
            (
                f"Andelen kontakter som inte besvarades av en människa inom {SLOW_SECONDS} s "
                f"(besvarade efter mer än {SLOW_SECONDS} s, eller avbrutna), av alla "
                "kontakter (0–1).",
                f"Contacts not answered by a person within {SLOW_SECONDS} s (answered after "
                f"more than {SLOW_SECONDS} s, or abandoned) divided by all contacts in the "
                "period (0 to 1).",
            ),
            (f"Fyra decimaler. {_WAIT_RULE[0]}", f"4 decimals. {_WAIT_RULE[1]}"),
            ("andel", "share"),
        ),
    ),
    Metric(
        "announced_wait_median",
        MEDIAN,
        reads="announced",
        outcomes=("announced",),
        **_texts(
            ("Beräknad väntetid (median)", "Announced wait (median)"),
            (
                "Medianen av de väntetider som företaget självt visade på sin webbplats.",
                "The median of the waits the company itself announced on its site.",
            ),
            (
                f"Inga riktiga kontakter; blandas aldrig med mätta. Minst {MIN_SAMPLE} "
                f"avläsningar krävs. {_WAIT_RULE[0]}",
                f"Not measured contacts, and never mixed with them. At least {MIN_SAMPLE} "
                f"announcements are needed. {_WAIT_RULE[1]}",
            ),
            ("sekunder", "seconds"),
        ),
    ),
)

METRICS: dict[str, Metric] = {metric.slug: metric for metric in _REGISTRY}
METRIC_SLUGS: tuple[str, ...] = tuple(METRICS)
WAIT_METRIC_SLUGS: tuple[str, ...] = tuple(m.slug for m in _REGISTRY if m.is_wait)
# The complaint metrics an import may carry, each read by the count metric of that name.
COMPLAINT_METRICS: tuple[str, ...] = tuple(m.slug for m in _REGISTRY if m.family == COUNT)


def get_metric(slug: str) -> Metric:
    """The metric called ``slug``; KeyError when there is none."""
    return METRICS[slug]
