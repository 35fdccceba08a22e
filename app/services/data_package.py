"""The site's downloads as a Frictionless Data Package (``/datapackage.json``), built
from the data dictionary (``exports.CSV_COLUMNS``) with a type for every column.

Pure: the caller gives the site's address and licence.
"""

from __future__ import annotations

from typing import Any

from app.services.data_dictionary import CSV_COLUMNS

# The type of each column, by its name (a name means the same in every file).
_INTEGERS = {
    "rank", "sample_size", "previous_rank", "rank_low", "rank_high", "year", "customers",
    "wait_seconds", "transfers", "batch_id", "replaced_by_batch_id",
}  # fmt: skip
_NUMBERS = {"value", "value_low", "value_high"}
_DATETIMES = {"measured_at", "recorded_at", "created_at"}
_BOOLEANS = {"verified"}
# The bulk files and where they are; a company's own file has one per company.
RESOURCES = {
    "rankings": "/rankings.csv",
    "complaints": "/downloads/complaints.csv",
    "waits": "/downloads/waits.csv",
    "customers": "/downloads/customers.csv",
    "companies": "/downloads/companies.csv",
}


def column_type(name: str) -> str:
    if name in _INTEGERS:
        return "integer"
    if name in _NUMBERS:
        return "number"
    if name in _DATETIMES:
        return "datetime"
    if name in _BOOLEANS:
        return "boolean"
    return "string"


def data_package(base: str, site_name: str, licence: str, licence_url: str) -> dict[str, Any]:
    resources = [
        {
            "name": name,
            "path": base + path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": {
                "fields": [
                    {"name": column, "type": column_type(column), "description": description}
                    for column, description in CSV_COLUMNS[name]
                ]
            },
        }
        for name, path in RESOURCES.items()
    ]
    return {
        "profile": "data-package",
        "name": "shamelist",
        "title": site_name,
        "homepage": base + "/",
        "licenses": [{"name": licence.replace(" ", "-"), "path": licence_url, "title": licence}],
        "resources": resources,
    }
