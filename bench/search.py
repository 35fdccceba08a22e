"""Search cost: the search_terms index against the LIKE scan it replaced.

Builds fictional companies (invented syllables, never a real name) with org numbers and
aliases, on SQLite (a temporary file) and, when a PostgreSQL server is named, on a
scratch database ``bench_search`` beside it that is dropped afterwards. The companies
and aliases go in as plain rows before the search_terms migration, so the migration's
own backfill makes the terms (and is timed). Then every query runs ``--repeat`` times,
each in a read session of its own, through ``search_companies`` and through the LIKE
scan of the previous version (kept below as the baseline), and the median and 99th
percentile of each are printed with their ratio.

    .venv/bin/python bench/search.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import product

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import migrate
from app.db import Database
from app.models import Company, CompanyAlias, SearchTerm, Sector
from app.names import fold_for_search, normalize_company_name, slugify
from app.services.rankings import swedish_sort_key
from app.services.search import SearchHit, search_companies

BEFORE_SEARCH_TERMS = "9a3f61c2b8e0"
_FIRST = (
    "Drö", "Fjå", "Kvi", "Blä", "Snö", "Trö", "Ulv", "Vå", "Ärn", "Öl", "Gly", "Sky",
    "Brä", "Lö", "Mjö", "Pry", "Skå", "Tjä", "Ny", "Hå", "Åsk", "Nor", "Väs", "Sö",
)  # fmt: skip
_MIDDLE = (
    "mnä", "rvi", "lde", "kso", "ttå", "ngö", "rbä", "lli", "mpe", "ssa", "dru", "vkö",
    "ste", "nnå", "gla", "fri",
)  # fmt: skip
_LAST = ("tet", "ka", "by", "na", "vik", "lund", "rö", "ma", "ås", "ne", "sta", "dal")
_TRADE = (
    "Fiber", "Kraft", "Försäkring", "Mobil", "Finans", "Handel", "Resor", "Trafik", "El",
    "Bredband",
)  # fmt: skip
_MORE = ("Norr", "Syd", "Öst", "Väst", "Mitt", "Sverige", "Kundtjänst", "Företag", "Privat")


def _org_numbers(rng: random.Random) -> Iterator[str]:
    """Distinct numbers of the right shape whose check digit is right (fictional)."""
    seen: set[str] = set()
    while True:
        body = f"556{rng.randrange(1_000_000):06d}"
        total = 0
        for index, char in enumerate(body):
            value = int(char) * (2 if index % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        digits = body + str((10 - total % 10) % 10)
        if digits not in seen:
            seen.add(digits)
            yield f"{digits[:6]}-{digits[6:]}"


def _dataset(
    companies: int, aliases: int, seed: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Company rows and alias rows (each company's own name among its aliases, as the
    services keep it, plus ``aliases`` more), every normalised alias distinct."""
    rng = random.Random(seed)
    cores = ["".join(parts) for parts in product(_FIRST, _MIDDLE, _LAST)]
    names = rng.sample([f"{core} {trade} AB" for core in cores for trade in _TRADE], companies)
    org_numbers = _org_numbers(rng)
    created = datetime(2025, 1, 1, tzinfo=UTC)
    taken: set[str] = set()
    company_rows: list[dict[str, object]] = []
    alias_rows: list[dict[str, object]] = []
    for company_id, name in enumerate(names, start=1):
        normalized = normalize_company_name(name)
        company_rows.append(
            {
                "id": company_id,
                "slug": f"{slugify(normalized)}-{company_id}",
                "name": name,
                "normalized_name": normalized,
                "org_number": next(org_numbers) if rng.random() < 0.8 else None,
                "verified": False,
                "created_at": created,
            }
        )
        taken.add(normalized)
        alias_rows.append({"company_id": company_id, "alias": name, "normalized": normalized})
    extra = 0
    while extra < aliases:
        company = company_rows[rng.randrange(companies)]
        core, trade, _ab = str(company["name"]).split(" ")
        alias = rng.choice(
            (
                f"{core} {rng.choice(_MORE)}",
                f"{core} {trade} {rng.choice(_MORE)}",
                f"{rng.choice(_MORE)} {core}",
                f"{trade}bolaget {core} {rng.choice(_MORE)}",
                f"{core[:3]}{core[-2:]} {trade}",
            )
        )
        normalized = normalize_company_name(alias)
        if normalized not in taken:
            taken.add(normalized)
            alias_rows.append(
                {"company_id": company["id"], "alias": alias, "normalized": normalized}
            )
            extra += 1
    return company_rows, alias_rows


# The search this replaced, kept as the baseline: LIKE '%q%' over the normalised names
# and aliases and LIKE 'q%' over the org numbers, which no index serves.
_ORG_DIGITS = re.compile(r"^(?:16)?\d[\d-]{1,11}$")


def _scan_search(session: Session, q: str, limit: int = 20) -> list[SearchHit]:
    text_ = q.strip()[:200]
    if not text_:
        return []
    found: dict[int, tuple[int, str, Company, str | None]] = {}
    compact = text_.replace(" ", "")
    if _ORG_DIGITS.match(compact):
        digits = compact.replace("-", "")
        if len(digits) == 12 and digits.startswith("16"):
            digits = digits[2:]
        if 3 <= len(digits) <= 10:
            pattern = digits if len(digits) <= 6 else f"{digits[:6]}-{digits[6:]}"
            query = (
                select(Company, Sector.slug)
                .outerjoin(Sector, Sector.id == Company.sector_id)
                .where(Company.org_number.like(f"{pattern}%"))
            )
            for company, sector in session.execute(query):
                found[company.id] = (0, company.org_number or "", company, sector)
    needle = normalize_company_name(text_)
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        by_name = (
            select(Company, Sector.slug, Company.name, Company.normalized_name)
            .outerjoin(Sector, Sector.id == Company.sector_id)
            .where(Company.normalized_name.like(like, escape="\\"))
        )
        by_alias = (
            select(Company, Sector.slug, CompanyAlias.alias, CompanyAlias.normalized)
            .join(CompanyAlias, CompanyAlias.company_id == Company.id)
            .outerjoin(Sector, Sector.id == Company.sector_id)
            .where(CompanyAlias.normalized.like(like, escape="\\"))
        )
        for query in (by_name, by_alias):
            for company, sector, matched, normalized in session.execute(query):
                score = 0 if normalized == needle else 1 if normalized.startswith(needle) else 2
                if company.id not in found or score < found[company.id][0]:
                    found[company.id] = (score, matched, company, sector)
    ordered = sorted(found.values(), key=lambda hit: (hit[0], swedish_sort_key(hit[2].name)))
    return [
        SearchHit(c.slug, c.name, c.org_number, sector, matched)
        for _s, matched, c, sector in ordered[:limit]
    ]


def _queries(company_rows: list[dict[str, object]]) -> list[tuple[str, str]]:
    name = str(company_rows[17]["name"])
    core, trade, _ab = name.split(" ")
    org_number = next(str(row["org_number"]) for row in company_rows if row["org_number"])
    return [
        ("whole name", name),
        ("3 letters", core[:3].lower()),
        ("folded prefix", fold_for_search(core[:6])),
        ("1 letter", "s"),
        ("upper case Å", "ÅSK"),
        ("word and prefix", f"{core} {trade[:3]}"),
        ("later word", "bredband"),
        ("alias word", "kundtjänst"),
        ("org number", org_number),
        ("org digits", org_number.replace("-", "")),
        ("org prefix", org_number[:4]),
        ("no hit", "qxqxq"),
    ]


def _times(
    database: Database, search: Callable[[Session, str], object], q: str, repeat: int
) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with database.read() as session:
            search(session, q)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[98]


def _run(url: str, companies: int, aliases: int, repeat: int) -> None:
    database = Database.from_url(url)
    try:
        migrate.upgrade(database.engine, BEFORE_SEARCH_TERMS)
        company_rows, alias_rows = _dataset(companies, aliases, seed=1)
        with database.engine.begin() as connection:
            connection.execute(Company.__table__.insert(), company_rows)
            connection.execute(CompanyAlias.__table__.insert(), alias_rows)
        started = time.perf_counter()
        migrate.upgrade(database.engine)
        backfill = time.perf_counter() - started
        if database.engine.dialect.name == "postgresql":
            with database.engine.begin() as connection:
                connection.execute(text("ANALYZE"))  # as autovacuum would after a load
        with database.read() as session:
            terms = session.scalar(select(func.count()).select_from(SearchTerm))
        print(
            f"\n{database.engine.dialect.name}: {companies:,} companies, {len(alias_rows):,} aliases"
            f" (their own names included), {terms:,} search terms; migration with backfill"
            f" {backfill:.1f} s; {repeat} runs per query, ms"
        )
        print(
            f"{'query':<18}{'q':<28}{'hits':>5}{'median':>8}{'p99':>8}"
            f"{'scan hits':>10}{'median':>8}{'p99':>8}{'ratio':>7}"
        )
        for label, q in _queries(company_rows):
            with database.read() as session:
                hits = len(search_companies(session, q))
                scan_hits = len(_scan_search(session, q))
            ours = _times(database, search_companies, q, repeat)
            scan = _times(database, _scan_search, q, max(repeat // 10, 10))
            ratio = statistics.median(scan) / statistics.median(ours)
            print(
                f"{label:<18}{q:<28}{hits:>5}{statistics.median(ours):>8.2f}{_p99(ours):>8.2f}"
                f"{scan_hits:>10}{statistics.median(scan):>8.1f}{_p99(scan):>8.1f}{ratio:>6.0f}x"
            )
    finally:
        database.dispose()


@contextmanager
def _scratch_postgres(server_url: str) -> Iterator[str]:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "bench_search" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "bench_search"'))
    try:
        yield (
            make_url(server_url).set(database="bench_search").render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "bench_search" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--aliases", type=int, default=20000, help="besides their own names")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SHAMELIST_BENCH_POSTGRES_URL", ""),
        help="a PostgreSQL server URL; bench_search is created beside it and dropped",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        _run(f"sqlite:///{directory}/bench.db", args.companies, args.aliases, args.repeat)
    if args.postgres:
        with _scratch_postgres(args.postgres) as url:
            _run(url, args.companies, args.aliases, args.repeat)


if __name__ == "__main__":
    main()
