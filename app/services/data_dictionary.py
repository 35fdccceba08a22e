"""The data dictionary: every download's columns, in order, with a one-line description
each. The methodology page renders it, ``/datapackage.json`` types it, and the
downloads write exactly these headers."""

from __future__ import annotations

CSV_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "rankings": [
        ("rank", "Position in the ranking, worst first; equal values share a rank (1, 2, 2, 4)."),
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs (/companies/<slug>)."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        ("sector", "The company's sector slug; empty when it has none."),
        ("metric", "What is ranked, e.g. complaints, complaints_per_100k, wait_median."),
        ("period", "The period ranked: YYYY, YYYY-Qn or YYYY-MM."),
        (
            "value",
            "The metric's value: a count, complaints per 100,000 customers (2 decimals), "
            "a median in seconds or a share 0..1 (4 decimals).",
        ),
        (
            "sample_size",
            "Contacts behind a wait metric (answered contacts for wait_median, "
            "announcements for announced_wait_median); empty for count metrics.",
        ),
        (
            "previous_rank",
            "Rank in the period of the same length just before; empty when not ranked then.",
        ),
        ("channel", "The channel of a wait metric (phone, chat or email); empty for counts."),
        (
            "value_low",
            "The 95 % interval's lower end: exact Poisson for complaints_per_100k, Wilson "
            "for the shares; empty for counts (and, for now, medians).",
        ),
        ("value_high", "The 95 % interval's upper end; empty where value_low is."),
        (
            "rank_low",
            "The best likely place: 1 + the ranked companies whose value_low is greater than "
            "this company's value_high.",
        ),
        (
            "rank_high",
            "The worst likely place: the ranked companies whose value_high is at least this "
            "company's value_low, itself included.",
        ),
        (
            "signal",
            "much_worse, worse, as_expected, better or much_better than the whole list "
            "predicts for the company's size (Poisson or binomial tails); rates and shares.",
        ),
    ],
    "company": [
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        (
            "kind",
            "What the row is: complaints, customers or waits (as the import kinds), "
            "place (its place in a metric's yearly ranking) or reply (the company's answer "
            "to a figure).",
        ),
        (
            "status",
            "current: the figure in use; replaced: a value a later batch (or a company "
            "merge) set aside, kept for the record. For places: ranked, too_few (a wait "
            "figure from fewer measurements than the metric's minimum) or not_ranked (a "
            "count or rate of 0).",
        ),
        (
            "metric",
            "complaints, arn_cases or arn_unfollowed for complaints; customers for "
            "customers; wait_seconds for waits.",
        ),
        (
            "period",
            "The period the figure counts in: YYYY, YYYY-Qn or YYYY-MM; for customers the "
            "year; for waits the month of measured_at in Swedish time.",
        ),
        ("measured_at", "Waits only: when the contact began, ISO 8601 in UTC."),
        ("channel", "Waits only: phone, chat or email."),
        ("outcome", "Waits only: answered, abandoned or announced."),
        (
            "value",
            "The figure: the count for complaints, the number of customers for customers, "
            "wait_seconds for waits.",
        ),
        ("transfers", "Waits only: how many times the contact was transferred; may be empty."),
        ("external_id", "Waits only: the source's own identifier of the measurement."),
        ("source", "Slug of the source that supplied the figure (see /sources)."),
        ("batch_id", "The import batch that brought the figure (/api/v1/imports/<batch_id>)."),
        ("source_url", "Where the source published the figure; may be empty."),
        (
            "recorded_at",
            "When the figure was recorded here, ISO 8601 in UTC; for waits, when its batch began.",
        ),
        (
            "replaced_by_batch_id",
            "Replaced rows only: the batch that replaced the value; empty when a company "
            "merge set it aside.",
        ),
        (
            "text",
            "Rows of kind reply only: the company's published answer to the figure of its "
            "metric and period (outcome says reply or dispute; value is the figure it "
            "answered; recorded_at when it answered).",
        ),
        (
            "sample_size",
            "Places of wait metrics only: the measurements behind the figure.",
        ),
        (
            "rank",
            "Places only: the place in the metric's ranking of the year, as /rankings shows "
            "it (1 is the worst); empty unless ranked.",
        ),
        ("ranked", "Places only: how many companies that ranking ranked."),
        (
            "sector_percentile",
            "Places only: the share of the other ranked companies of its sector whose figure "
            "was worse (larger), in whole percent rounded down; a tie is not worse. Empty "
            "when not ranked or ranked alone in its sector.",
        ),
        ("sector_worse", "Places only: how many of those companies had a worse figure."),
        ("sector_ranked", "Places only: companies of its sector ranked, itself included."),
    ],
    "complaints": [
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        (
            "metric",
            "complaints (registered with the consumer authority), arn_cases (filed with "
            "ARN) or arn_unfollowed (ARN decisions the company did not follow).",
        ),
        ("period", "YYYY, YYYY-Qn or YYYY-MM."),
        ("value", "The count, an integer >= 0."),
        ("source", "Slug of the source that supplied the figure (see /sources)."),
        ("batch_id", "The import batch that brought the figure (/api/v1/imports/<batch_id>)."),
        ("source_url", "Where the source published the figure; may be empty."),
        ("recorded_at", "When the figure was recorded here, ISO 8601 in UTC."),
    ],
    "waits": [
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        ("measured_at", "When the contact began, ISO 8601 in UTC."),
        ("period", "The month the row counts in: YYYY-MM of measured_at in Swedish time."),
        ("channel", "phone, chat or email."),
        (
            "outcome",
            "answered (a person took the contact), abandoned (the measurer gave up) or "
            "announced (the wait the company itself displayed; not a measured contact).",
        ),
        ("wait_seconds", "Seconds waited (or announced), an integer >= 0."),
        ("transfers", "How many times the contact was transferred; may be empty."),
        ("external_id", "The source's own identifier of the measurement; may be empty."),
        ("source", "Slug of the source that supplied the measurement (see /sources)."),
        ("batch_id", "The import batch that brought it (/api/v1/imports/<batch_id>)."),
        ("source_url", "Where the source published the measurement; may be empty."),
    ],
    "companies": [
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        ("sector", "The company's sector slug; empty when it has none."),
        ("website", "The company's website; may be empty."),
        (
            "verified",
            "true when the company is known by its org number or a company import; false "
            "when it was created from a bare name that matched nobody.",
        ),
        ("aliases", "Other names the company is known by, |-separated."),
        ("created_at", "When the company was first recorded here, ISO 8601 in UTC."),
    ],
    "customers": [
        ("company", "The company's name."),
        ("slug", "The company's identifier in URLs."),
        ("org_number", "Swedish organisationsnummer, NNNNNN-NNNN; empty when unknown."),
        ("year", "The year the customer count is for."),
        ("customers", "Number of customers that year, an integer >= 1."),
        ("source", "Slug of the source that supplied the figure (see /sources)."),
        ("batch_id", "The import batch that brought the figure (/api/v1/imports/<batch_id>)."),
        ("recorded_at", "When the figure was recorded here, ISO 8601 in UTC."),
    ],
}
