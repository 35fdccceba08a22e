"""What every metric means, in Swedish and English: the one text the site quotes.

The rankings page shows ``summary``; the methodology page quotes ``definition``.
Both follow the public contract word for word in meaning; change them together
with ``app.services.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.metrics import MIN_SAMPLE

# The contract's bar for over_3min_share: answered by a person within 180 seconds.
SLOW_SECONDS = 180


@dataclass(frozen=True)
class MetricDoc:
    name: dict[str, str]
    summary: dict[str, str]
    definition: dict[str, str]
    unit: dict[str, str]


_WAIT_RULE = {
    "sv": f"Bara företag med minst {MIN_SAMPLE} kontakter under perioden rankas; "
    "övriga listas som för få mätningar. En mätning hör till perioden för dess "
    "tidpunkt i svensk tid.",
    "en": f"Only companies with at least {MIN_SAMPLE} contacts in the period are ranked; "
    "the others are listed as too few measurements. A measurement belongs to the period "
    "of its moment in Swedish time.",
}


def _doc(
    name: tuple[str, str], summary: tuple[str, str], extra: tuple[str, str], unit: tuple[str, str]
) -> MetricDoc:
    return MetricDoc(
        name={"sv": name[0], "en": name[1]},
        summary={"sv": summary[0], "en": summary[1]},
        definition={
            "sv": f"{summary[0]} {extra[0]}".strip(),
            "en": f"{summary[1]} {extra[1]}".strip(),
        },
        unit={"sv": unit[0], "en": unit[1]},
    )


_COUNT_RULE = (
    "Finns en siffra för exakt perioden används den; annars summan av företagets "
    "siffror inom perioden på den finaste nivån det har där (månader, annars kvartal), "
    "aldrig båda.",
    "The figure for exactly the period is used when the company has one; otherwise the "
    "sum of its figures inside the period at the finest granularity it has there "
    "(months, else quarters), never both.",
)

METRIC_DOCS: dict[str, MetricDoc] = {
    "complaints": _doc(
        ("Klagomål", "Complaints"),
        (
            "Antal klagomål registrerade hos Konsumentverket under perioden.",
            "Complaints registered with the consumer authority (Konsumentverket) in the period.",
        ),
        _COUNT_RULE,
        ("st", "count"),
    ),
    "complaints_per_100k": _doc(
        ("Klagomål per 100 000 kunder", "Complaints per 100,000 customers"),
        (
            "Klagomål delat med antalet kunder periodens år, gånger 100 000, med två decimaler.",
            "Complaints divided by the customers of the period's year, times 100,000, "
            "to 2 decimals.",
        ),
        (
            "Företag utan kundantal för året utelämnas.",
            "Companies without a customer count for that year are left out.",
        ),
        ("per 100 000", "per 100,000"),
    ),
    "arn_cases": _doc(
        ("ARN-ärenden", "ARN cases"),
        (
            "Antal anmälningar till Allmänna reklamationsnämnden (ARN) under perioden.",
            "Complaints filed with the National Board for Consumer Disputes (ARN) in the period.",
        ),
        _COUNT_RULE,
        ("st", "count"),
    ),
    "arn_unfollowed": _doc(
        ("Ej följda ARN-beslut", "ARN decisions not followed"),
        (
            "Antal beslut från ARN som företaget inte följde under perioden.",
            "ARN decisions the company did not follow in the period.",
        ),
        _COUNT_RULE,
        ("st", "count"),
    ),
    "wait_median": _doc(
        ("Väntetid (median)", "Wait (median)"),
        (
            "Medianväntetiden i sekunder för kontakter som besvarades av en människa.",
            "The median wait in seconds of contacts a person answered.",
        ),
        (
            f"Vid ett jämnt antal är medianen medelvärdet av de två mittersta. "
            f"Minst {MIN_SAMPLE} besvarade kontakter krävs. {_WAIT_RULE['sv']}",
            f"With an even number it is the mean of the two middle values. At least "
            f"{MIN_SAMPLE} answered contacts are needed. {_WAIT_RULE['en']}",
        ),
        ("sekunder", "seconds"),
    ),
    "abandoned_share": _doc(
        ("Andel avbrutna", "Abandoned share"),
        (
            "Andelen kontakter där mätaren gav upp utan att få svar, av alla kontakter (0–1).",
            "Abandoned contacts divided by all contacts in the period (0 to 1).",
        ),
        (f"Fyra decimaler. {_WAIT_RULE['sv']}", f"4 decimals. {_WAIT_RULE['en']}"),
        ("andel", "share"),
    ),
    "over_3min_share": _doc(
        ("Andel över 3 minuter", "Share over 3 minutes"),
        (
            f"Andelen kontakter som inte besvarades av en människa inom {SLOW_SECONDS} s "
            "(besvarade efter mer än 180 s, eller avbrutna), av alla kontakter (0–1).",
            f"Contacts not answered by a person within {SLOW_SECONDS} s (answered after more "
            "than 180 s, or abandoned) divided by all contacts in the period (0 to 1).",
        ),
        (f"Fyra decimaler. {_WAIT_RULE['sv']}", f"4 decimals. {_WAIT_RULE['en']}"),
        ("andel", "share"),
    ),
    "announced_wait_median": _doc(
        ("Utlovad väntetid (median)", "Announced wait (median)"),
        (
            "Medianen av de väntetider som företaget självt visade på sin webbplats.",
            "The median of the waits the company itself announced on its site.",
        ),
        (
            f"Inga riktiga kontakter; blandas aldrig med mätta. Minst {MIN_SAMPLE} "
            f"avläsningar krävs. {_WAIT_RULE['sv']}",
            f"Not measured contacts, and never mixed with them. At least {MIN_SAMPLE} "
            f"announcements are needed. {_WAIT_RULE['en']}",
        ),
        ("sekunder", "seconds"),
    ),
}


def metric_doc(metric: str, language: str) -> dict[str, str]:
    """The metric's name, summary, definition and unit in ``language`` (sv or en)."""
    doc = METRIC_DOCS[metric]
    lang = language if language in doc.name else "sv"
    return {
        "name": doc.name[lang],
        "summary": doc.summary[lang],
        "definition": doc.definition[lang],
        "unit": doc.unit[lang],
    }
