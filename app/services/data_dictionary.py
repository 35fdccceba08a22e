"""The data dictionary: every download's columns, in order, with a one-line description
each in English and in Swedish. The methodology page renders it in the page's language,
``/datapackage.json`` types it (in English, as the machine-readable description), and
the downloads write exactly these headers.

A column that means the same in several files is defined once below and listed in
each of them.
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    name: str
    en: str
    sv: str

    def description(self, language: str) -> str:
        """The description in ``language`` (sv or en; Swedish otherwise, as the site)."""
        return self.en if language == "en" else self.sv


COMPANY = Column("company", "The company's name.", "Företagets namn.")
SLUG = Column("slug", "The company's identifier in URLs.", "Företagets kortnamn i webbadresser.")
ORG_NUMBER = Column(
    "org_number",
    "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown.",
    "Organisationsnummer, NNNNNN-NNNN; tomt när det inte är känt.",
)
SECTOR = Column(
    "sector",
    "The company's sector slug; empty when it has none.",
    "Kortnamnet på företagets bransch; tomt när företaget inte har någon.",
)
SOURCE = Column(
    "source",
    "Slug of the source that supplied the figure (see /sources).",
    "Kortnamnet på källan som lämnade siffran (se /sources).",
)
BATCH_ID = Column(
    "batch_id",
    "The import batch that brought the figure (/api/v1/imports/<batch_id>).",
    "Importen som förde in siffran (/api/v1/imports/<batch_id>).",
)
SOURCE_URL = Column(
    "source_url",
    "Where the source published the figure; may be empty.",
    "Var källan publicerade siffran; kan vara tomt.",
)
RECORDED_AT = Column(
    "recorded_at",
    "When the figure was recorded here, ISO 8601 in UTC.",
    "När siffran registrerades här, ISO 8601 i UTC.",
)
COMPANY_HEAD = [COMPANY, SLUG, ORG_NUMBER]

RANKINGS = [
    Column(
        "rank",
        "Position in the ranking, worst first; equal values share a rank (1, 2, 2, 4).",
        "Platsen på listan, sämst först; lika värden delar plats (1, 2, 2, 4).",
    ),
    COMPANY,
    Column(
        "slug",
        "The company's identifier in URLs (/companies/<slug>).",
        "Företagets kortnamn i webbadresser (/companies/<slug>).",
    ),
    ORG_NUMBER,
    SECTOR,
    Column(
        "metric",
        "What is ranked, e.g. complaints, complaints_per_100k, wait_median.",
        "Vad listan rangordnar, till exempel complaints, complaints_per_100k, wait_median.",
    ),
    Column(
        "period",
        "The period ranked: YYYY, YYYY-Qn or YYYY-MM.",
        "Perioden som listan gäller: ÅÅÅÅ, ÅÅÅÅ-Qn eller ÅÅÅÅ-MM.",
    ),
    Column(
        "value",
        "The metric's value: a count, complaints per 100,000 customers (2 decimals), "
        "a median in seconds or a share 0..1 (4 decimals).",
        "Måttets värde: ett antal, klagomål per 100 000 kunder (2 decimaler), "
        "en median i sekunder eller en andel 0..1 (4 decimaler).",
    ),
    Column(
        "sample_size",
        "Contacts behind a wait metric (answered contacts for wait_median, "
        "announcements for announced_wait_median); empty for count metrics.",
        "Kontakterna bakom ett väntetidsmått (besvarade kontakter för wait_median, "
        "företagets egna beräkningar för announced_wait_median); tomt för antal.",
    ),
    Column(
        "previous_rank",
        "Rank in the period of the same length just before; empty when not ranked then.",
        "Platsen under närmast föregående period av samma längd; tomt om företaget inte "
        "rankades då.",
    ),
    Column(
        "channel",
        "The channel of a wait metric (phone, chat or email); empty for counts.",
        "Kanalen för ett väntetidsmått (phone, chat eller email, alltså telefon, chatt "
        "eller e-post); tomt för antal.",
    ),
    Column(
        "value_low",
        "The 95 % interval's lower end: exact Poisson for complaints_per_100k, Wilson "
        "for the shares; empty for counts (and, for now, medians).",
        "95-procentsintervallets nedre gräns: exakt Poisson för complaints_per_100k, "
        "Wilson för andelarna; tomt för antal (och tills vidare för medianer).",
    ),
    Column(
        "value_high",
        "The 95 % interval's upper end; empty where value_low is.",
        "95-procentsintervallets övre gräns; tomt där value_low är tomt.",
    ),
    Column(
        "rank_low",
        "The best likely place: 1 + the ranked companies whose value_low is greater than "
        "this company's value_high.",
        "Den bästa troliga platsen: 1 + antalet rankade företag vars value_low är större "
        "än det här företagets value_high.",
    ),
    Column(
        "rank_high",
        "The worst likely place: the ranked companies whose value_high is at least this "
        "company's value_low, itself included.",
        "Den sämsta troliga platsen: antalet rankade företag vars value_high är minst det "
        "här företagets value_low, företaget självt medräknat.",
    ),
    Column(
        "signal",
        "much_worse, worse, as_expected, better or much_better than the whole list "
        "predicts for the company's size (Poisson or binomial tails); rates and shares.",
        "much_worse, worse, as_expected, better eller much_better: mycket sämre, sämre, "
        "som väntat, bättre eller mycket bättre än hela listan förutsäger för företagets "
        "storlek (Poisson- eller binomialsvansar); för kvoter och andelar.",
    ),
]

# A company's own file, /companies/<slug>.csv.
COMPANY_FILE = [
    *COMPANY_HEAD,
    Column(
        "kind",
        "What the row is: complaints, customers or waits (as the import kinds), "
        "place (its place in a metric's yearly ranking) or reply (the company's answer "
        "to a figure).",
        "Vad raden är: complaints, customers eller waits (som importslagen), place "
        "(platsen på ett måtts årslista) eller reply (företagets svar på en siffra).",
    ),
    Column(
        "status",
        "current: the figure in use; replaced: a value a later batch (or a company "
        "merge) set aside, kept for the record. For places: ranked, too_few (a wait "
        "figure from fewer measurements than the metric's minimum) or not_ranked (a "
        "count or rate of 0).",
        "current: siffran som gäller; replaced: ett värde som en senare import (eller en "
        "sammanslagning av företag) ersatte och som sparas för ordningens skull. För "
        "placeringar: ranked (rankad), too_few (en väntetid från färre mätningar än "
        "måttets minimum) eller not_ranked (ett antal eller en kvot som är 0).",
    ),
    Column(
        "metric",
        "complaints, arn_cases or arn_unfollowed for complaints; customers for "
        "customers; wait_seconds for waits.",
        "complaints, arn_cases eller arn_unfollowed för klagomål; customers för kunder; "
        "wait_seconds för väntetider.",
    ),
    Column(
        "period",
        "The period the figure counts in: YYYY, YYYY-Qn or YYYY-MM; for customers the "
        "year; for waits the month of measured_at in Swedish time.",
        "Perioden som siffran räknas till: ÅÅÅÅ, ÅÅÅÅ-Qn eller ÅÅÅÅ-MM; för kunder året; "
        "för väntetider månaden för measured_at i svensk tid.",
    ),
    Column(
        "measured_at",
        "Waits only: when the contact began, ISO 8601 in UTC.",
        "Bara väntetider: när kontakten började, ISO 8601 i UTC.",
    ),
    Column(
        "channel",
        "Waits only: phone, chat or email.",
        "Bara väntetider: phone, chat eller email (telefon, chatt eller e-post).",
    ),
    Column(
        "outcome",
        "Waits only: answered, abandoned or announced.",
        "Bara väntetider: answered, abandoned eller announced (besvarad, avbruten eller "
        "företagets egen beräkning).",
    ),
    Column(
        "value",
        "The figure: the count for complaints, the number of customers for customers, "
        "wait_seconds for waits.",
        "Siffran: antalet för klagomål, antalet kunder för kunder, wait_seconds för väntetider.",
    ),
    Column(
        "transfers",
        "Waits only: how many times the contact was transferred; may be empty.",
        "Bara väntetider: hur många gånger kontakten kopplades vidare; kan vara tomt.",
    ),
    Column(
        "external_id",
        "Waits only: the source's own identifier of the measurement.",
        "Bara väntetider: källans egen beteckning på mätningen.",
    ),
    SOURCE,
    BATCH_ID,
    SOURCE_URL,
    Column(
        "recorded_at",
        "When the figure was recorded here, ISO 8601 in UTC; for waits, when its batch began.",
        "När siffran registrerades här, ISO 8601 i UTC; för väntetider när importen började.",
    ),
    Column(
        "replaced_by_batch_id",
        "Replaced rows only: the batch that replaced the value; empty when a company "
        "merge set it aside.",
        "Bara ersatta rader: importen som ersatte värdet; tomt när en sammanslagning av "
        "företag satte det åt sidan.",
    ),
    Column(
        "text",
        "Rows of kind reply only: the company's published answer to the figure of its "
        "metric and period (outcome says reply or dispute; value is the figure it "
        "answered; recorded_at when it answered).",
        "Bara rader av slaget reply: företagets publicerade svar på siffran för måttet och "
        "perioden (outcome säger reply eller dispute, svar eller bestridande; value är "
        "siffran som besvarades; recorded_at när svaret kom).",
    ),
    Column(
        "sample_size",
        "Places of wait metrics only: the measurements behind the figure.",
        "Bara placeringar på väntetidsmått: mätningarna bakom siffran.",
    ),
    Column(
        "rank",
        "Places only: the place in the metric's ranking of the year, as /rankings shows "
        "it (1 is the worst); empty unless ranked.",
        "Bara placeringar: platsen på måttets årslista, som /rankings visar den (1 är "
        "sämst); tomt om företaget inte rankades.",
    ),
    Column(
        "ranked",
        "Places only: how many companies that ranking ranked.",
        "Bara placeringar: hur många företag den listan rankade.",
    ),
    Column(
        "sector_percentile",
        "Places only: the share of the other ranked companies of its sector whose figure "
        "was worse (larger), in whole percent rounded down; a tie is not worse. Empty "
        "when not ranked or ranked alone in its sector.",
        "Bara placeringar: andelen av de andra rankade företagen i samma bransch som hade "
        "en sämre (större) siffra, i hela procent avrundat nedåt; lika räknas inte som "
        "sämre. Tomt om företaget inte rankades eller var ensamt rankat i sin bransch.",
    ),
    Column(
        "sector_worse",
        "Places only: how many of those companies had a worse figure.",
        "Bara placeringar: hur många av de företagen som hade en sämre siffra.",
    ),
    Column(
        "sector_ranked",
        "Places only: companies of its sector ranked, itself included.",
        "Bara placeringar: antalet rankade företag i samma bransch, företaget självt medräknat.",
    ),
]

COMPLAINTS = [
    *COMPANY_HEAD,
    Column(
        "metric",
        "complaints (registered with the consumer authority), arn_cases (filed with "
        "ARN) or arn_unfollowed (ARN decisions the company did not follow).",
        "complaints (anmälningar till Konsumentverket), arn_cases (ärenden hos ARN) "
        "eller arn_unfollowed (beslut från ARN som företaget inte följde).",
    ),
    Column("period", "YYYY, YYYY-Qn or YYYY-MM.", "ÅÅÅÅ, ÅÅÅÅ-Qn eller ÅÅÅÅ-MM."),
    Column("value", "The count, an integer >= 0.", "Antalet, ett heltal >= 0."),
    SOURCE,
    BATCH_ID,
    SOURCE_URL,
    RECORDED_AT,
]

WAITS = [
    *COMPANY_HEAD,
    Column(
        "measured_at",
        "When the contact began, ISO 8601 in UTC.",
        "När kontakten började, ISO 8601 i UTC.",
    ),
    Column(
        "period",
        "The month the row counts in: YYYY-MM of measured_at in Swedish time.",
        "Månaden som raden räknas till: ÅÅÅÅ-MM för measured_at i svensk tid.",
    ),
    Column(
        "channel",
        "phone, chat or email.",
        "phone, chat eller email (telefon, chatt eller e-post).",
    ),
    Column(
        "outcome",
        "answered (a person took the contact), abandoned (the measurer gave up) or "
        "announced (the wait the company itself displayed; not a measured contact).",
        "answered (en person tog kontakten), abandoned (den som mätte gav upp) eller "
        "announced (väntetiden som företaget självt visade; ingen uppmätt kontakt).",
    ),
    Column(
        "wait_seconds",
        "Seconds waited (or announced), an integer >= 0.",
        "Väntetiden i sekunder (uppmätt, eller den som företaget självt visade), ett heltal >= 0.",
    ),
    Column(
        "transfers",
        "How many times the contact was transferred; may be empty.",
        "Hur många gånger kontakten kopplades vidare; kan vara tomt.",
    ),
    Column(
        "external_id",
        "The source's own identifier of the measurement; may be empty.",
        "Källans egen beteckning på mätningen; kan vara tomt.",
    ),
    Column(
        "source",
        "Slug of the source that supplied the measurement (see /sources).",
        "Kortnamnet på källan som lämnade mätningen (se /sources).",
    ),
    Column(
        "batch_id",
        "The import batch that brought it (/api/v1/imports/<batch_id>).",
        "Importen som förde in den (/api/v1/imports/<batch_id>).",
    ),
    Column(
        "source_url",
        "Where the source published the measurement; may be empty.",
        "Var källan publicerade mätningen; kan vara tomt.",
    ),
]

COMPANIES = [
    *COMPANY_HEAD,
    SECTOR,
    Column(
        "website", "The company's website; may be empty.", "Företagets webbplats; kan vara tomt."
    ),
    Column(
        "verified",
        "true when the company is known by its org number or a company import; false "
        "when it was created from a bare name that matched nobody.",
        "true när företaget är känt genom sitt organisationsnummer eller en företagsimport; "
        "false när det skapades från bara ett namn som inte stämde med något företag.",
    ),
    Column(
        "aliases",
        "Other names the company is known by, |-separated.",
        "Andra namn som företaget går under, åtskilda med |.",
    ),
    Column(
        "created_at",
        "When the company was first recorded here, ISO 8601 in UTC.",
        "När företaget först registrerades här, ISO 8601 i UTC.",
    ),
]

CUSTOMERS = [
    *COMPANY_HEAD,
    Column("year", "The year the customer count is for.", "Året som kundantalet gäller."),
    Column(
        "customers",
        "Number of customers that year, an integer >= 1.",
        "Antalet kunder det året, ett heltal >= 1.",
    ),
    SOURCE,
    BATCH_ID,
    RECORDED_AT,
]

COLUMNS: dict[str, list[Column]] = {
    "rankings": RANKINGS,
    "company": COMPANY_FILE,
    "complaints": COMPLAINTS,
    "waits": WAITS,
    "companies": COMPANIES,
    "customers": CUSTOMERS,
}

# (column, English description) per download: the downloads' headers and /datapackage.json.
CSV_COLUMNS: dict[str, list[tuple[str, str]]] = {
    name: [(column.name, column.en) for column in columns] for name, columns in COLUMNS.items()
}


def described_columns(language: str) -> dict[str, list[tuple[str, str]]]:
    """Every download's columns with their descriptions in ``language``, for a page."""
    return {
        name: [(column.name, column.description(language)) for column in columns]
        for name, columns in COLUMNS.items()
    }
