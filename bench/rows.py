"""Row builders for the benchmark data set: plain dicts for SQLAlchemy Core's executemany.

Everything is drawn from one seeded ``random.Random``, so the same version and size give the same data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.names import NamePool
from crm.auth.models import new_session_token
from crm.contacts.names import joined_name, sort_key
from crm.contacts.search import contact_terms, term_rows
from crm.text import fold


def _bars(text: str) -> list[str]:
    return text.split("|")


NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
PASSWORD = "bench-password-1234"
# name, kind, country, parent index, share of the contacts
CHAPTERS = [
    ("PauseAI NL", "national", "NL", None, 0.60),
    ("PauseAI US", "national", "US", None, 0.25),
    ("PauseAI NL Amsterdam", "local", "NL", 0, 0.15),
]
KINDS = ["representative"] * 45 + ["staff"] * 25 + ["helper"] * 15 + ["journalist"] * 8 + ["other"] * 7
STANCES = (
    ["unknown"] * 50
    + ["undecided"] * 15
    + ["supportive"] * 12
    + ["skeptical"] * 10
    + ["opposed"] * 8
    + ["champion"] * 5
)
UNDERSTANDING = ["unknown"] * 6 + ["no", "partly", "yes"]
TOPICS = _bars(
    "Digital Affairs|Economic Affairs|Foreign Affairs|Defence|Education|Science|Technology"
    "|Justice|Security|Health|Finance|Infrastructure|Climate|Energy|Agriculture|Trade|Labour"
    "|Social Affairs|Culture|Home Affairs|Innovation|Privacy|Competition|Media"
    "|Artificial Intelligence|Cybersecurity|Research|Development Cooperation|European Affairs"
)
CITIES = {
    "NL": _bars(
        "Amsterdam|Rotterdam|Utrecht|Den Haag|Eindhoven|Groningen|Leiden|Delft|Tilburg|Nijmegen"
        "|Maastricht|Zwolle|Haarlem|Arnhem|Breda|Enschede"
    ),
    "US": _bars(
        "Boston|Chicago|Austin|Seattle|Denver|Atlanta|Portland|Phoenix|Madison|Pittsburgh|Baltimore"
        "|Richmond|Columbus|Sacramento|Albany|Nashville"
    ),
}
TAGS = _bars(
    "ai-safety|digital-committee|eu-ai-act|budget|privacy|youth|climate|defence|frontier-labs"
    "|compute|treaty|academia|press-contact|met-in-person|newsletter|skeptic-outreach|coalition"
    "|local-politics|event-speaker|petition|ethics|jobs|open-source|export-controls|biosecurity"
)
CHANGE_FIELDS = ("honorific", "given_name", "name_prefix", "family_name", "display_name", "kind", "country",
                 "constituency", "stance", "is_target", "priority", "cadence_days")  # fmt: skip
TITLES = {
    "parliament": ["Member of Parliament", "Member", "Spokesperson", "Clerk"],
    "party": ["Member", "Party chair", "Policy officer", "Campaign lead"],
    "committee": ["Member of the committee", "Chair", "Vice-chair", "Committee clerk"],
    "ministry": ["Policy adviser", "Director", "Minister", "Senior policy officer"],
    "agency": ["Director", "Analyst", "Inspector"],
    "ngo": ["Researcher", "Director", "Fellow"],
    "university": ["Professor", "Researcher", "PhD candidate"],
    "media": ["Journalist", "Editor", "Correspondent"],
    "company": ["Public affairs manager", "CEO", "Engineer"],
    "other": ["Member", "Adviser"],
}


@dataclass
class Rows:
    """Every table's rows, plus what the driver needs to know about them."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    common_family: str = ""

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)


def _when(rng: random.Random, days: int = 730) -> dt.datetime:
    return NOW - dt.timedelta(seconds=rng.randrange(days * 86400))


def zipf_cumulative(n: int, exponent: float) -> list[float]:
    """Return cumulative Zipf weights for ``n`` ranks (random.choices recomputes plain weights on every call)."""
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


def _email_local(*parts: str) -> str:
    return ".".join(w for part in parts for w in fold(part).replace("'", "").split() if w)


def _split(total: int) -> list[int]:
    sizes = [int(total * share) for *_, share in CHAPTERS]
    sizes[0] += total - sum(sizes)
    return sizes


def chapters_and_users(rows: Rows, password_hash: str) -> None:
    """Add the chapters and one volunteer and one coordinator per chapter."""
    user_id = 0
    for index, (name, kind, country, parent, _share) in enumerate(CHAPTERS, start=1):
        rows.add(
            "chapters",
            {
                "id": index,
                "name": name,
                "kind": kind,
                "country": country,
                "parent_id": None if parent is None else parent + 1,
                "default_cadence_days": 30,
                "created_at": NOW - dt.timedelta(days=800),
            },
        )
        for role in ("volunteer", "coordinator"):
            user_id += 1
            rows.add(
                "users",
                {
                    "id": user_id,
                    "email": f"{role}{index}@bench.example",
                    "name": f"{role} {name}",
                    "password_hash": password_hash,
                    "is_admin": False,
                    "is_active": True,
                    "language": "en",
                    "timezone": "Europe/Amsterdam",
                    "session_token": new_session_token(),
                    "created_at": NOW - dt.timedelta(days=700),
                },
            )
            rows.add(
                "memberships",
                {
                    "id": user_id,
                    "user_id": user_id,
                    "chapter_id": index,
                    "role": role,
                    "created_at": NOW - dt.timedelta(days=700),
                },
            )


def _organisation_names(rng: random.Random, pool: NamePool, country: str, count: int) -> Iterator[tuple[str, str]]:
    """Yield ``count`` (name, kind) pairs, unique per kind by folded name as the organisations service requires."""
    families = pool.family[country]
    cities = CITIES[country]
    patterns = [
        ("ministry", lambda: f"Ministry of {rng.choice(TOPICS)}"),
        ("agency", lambda: f"{rng.choice(TOPICS)} Authority"),
        ("ngo", lambda: f"{rng.choice(families)[1]} Institute for {rng.choice(TOPICS)}"),
        ("university", lambda: f"University of {rng.choice(cities)}"),
        ("media", lambda: f"{rng.choice(cities)} {rng.choice(['Times', 'Herald', 'Courant', 'Dagblad', 'Post'])}"),
        ("company", lambda: f"{rng.choice(families)[1]} {rng.choice(['Partners', 'Labs', 'AI', 'Consulting'])}"),
        ("committee", lambda: f"Committee on {rng.choice(TOPICS)}"),
        ("party", lambda: f"{rng.choice(cities)} {rng.choice(['Local Party', 'Citizens', 'Greens'])}"),
        ("other", lambda: f"{rng.choice(cities)} {rng.choice(TOPICS)} Network"),
    ]
    seen: set[tuple[str, str]] = set()
    real = iter(pool.organisations[country])
    while len(seen) < count:
        kind, name = next(((k, n) for n, k in real), (None, ""))
        if kind is None:
            kind, make = rng.choice(patterns)
            name = make()
            if (fold(name), kind) in seen:
                name = f"{name} {rng.choice(cities)}"
            suffix = 2
            while (fold(name), kind) in seen:
                name, suffix = f"{name.rsplit(' (', 1)[0]} ({suffix})", suffix + 1
        if (fold(name), kind) not in seen:
            seen.add((fold(name), kind))
            yield name, kind


def organisations(rows: Rows, rng: random.Random, pool: NamePool, total: int) -> dict[int, list[int]]:
    """Add ``total`` organisations over the chapters, each with its "created" change record; return their ids."""
    by_chapter: dict[int, list[int]] = {}
    org_id = 0
    for chapter_id, size in enumerate(_split(total), start=1):
        country = CHAPTERS[chapter_id - 1][2]
        for name, kind in _organisation_names(rng, pool, country, size):
            org_id += 1
            by_chapter.setdefault(chapter_id, []).append(org_id)
            created = _when(rng)
            website = f"https://{'-'.join(re.findall('[a-z0-9]+', fold(name)))[:40]}.example"
            rows.add("organisations", {
                "id": org_id, "chapter_id": chapter_id, "name": name, "sort_name": fold(name), "kind": kind,
                "country": country, "parent_id": None, "notes": "", "website": website,
                "deleted_at": NOW if rng.random() < 0.005 else None, "created_at": created, "updated_at": created,
            })  # fmt: skip
            changes = {"name": [None, name], "kind": [None, kind], "country": [None, country],
                       "website": [None, website]}  # fmt: skip
            rows.add("changes", {"id": len(rows.tables.get("changes", [])) + 1, "chapter_id": chapter_id,
                                 "entity_type": "organisation", "entity_id": org_id, "action": "created",
                                 "actor_id": 2 * chapter_id, "at": created, "changes": changes})  # fmt: skip
    return by_chapter


def tags(rows: Rows) -> dict[int, list[tuple[int, str]]]:
    """Add a set of tags to every chapter; return (id, name) per chapter."""
    by_chapter: dict[int, list[tuple[int, str]]] = {}
    tag_id = 0
    for chapter_id in range(1, len(CHAPTERS) + 1):
        for name in TAGS:
            tag_id += 1
            rows.add("tags", {"id": tag_id, "chapter_id": chapter_id, "name": name})
            by_chapter.setdefault(chapter_id, []).append((tag_id, name))
    return by_chapter


@dataclass
class Context:
    rng: random.Random
    pool: NamePool
    org_ids: dict[int, list[int]]
    org_weights: dict[int, list[float]]
    org_names: dict[int, tuple[str, str]]
    tag_ids: dict[int, list[tuple[int, str]]]
    extra_positions: int
    contacts_left: int
    ids: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)  # family names used in the first chapter

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]


def _person(ctx: Context, country: str, family_weights: list[float]) -> tuple[str, str, str]:
    rng = ctx.rng
    given = rng.choice(ctx.pool.given[country])
    prefix, family = rng.choices(ctx.pool.family[country], cum_weights=family_weights)[0]
    return given, prefix, family


def _contact_row(ctx: Context, contact_id: int, chapter_id: int, names: tuple[str, str, str]) -> dict[str, Any]:
    rng = ctx.rng
    given, prefix, family = names
    country = CHAPTERS[chapter_id - 1][2]
    display = joined_name(given, prefix, family)
    kind = rng.choice(KINDS)
    target = rng.random() < 0.1
    created = _when(rng)
    return {
        "id": contact_id, "chapter_id": chapter_id, "honorific": rng.choice([None, None, "Dr.", "Mr.", "Ms."]),
        "given_name": given, "name_prefix": prefix or None, "family_name": family, "display_name": display,
        "sort_name": sort_key(given_name=given, name_prefix=prefix, family_name=family, display_name=display),
        "kind": kind, "country": country if rng.random() < 0.9 else rng.choice(["BE", "DE", "GB", "FR", "US"]),
        "constituency": rng.choice(ctx.pool.constituencies[country])
        if ctx.pool.constituencies[country] and kind == "representative" else None,
        "stance": rng.choice(STANCES), "is_target": target, "priority": rng.randint(1, 5) if target else None,
        "goals": "", "background": "", "understands_catastrophic_risk": rng.choice(UNDERSTANDING),
        "understands_ai": rng.choice(UNDERSTANDING), "understands_global_coordination": rng.choice(UNDERSTANDING),
        "technical_background": rng.choice(UNDERSTANDING), "cadence_days": rng.choice([None, None, 14, 30, 90]),
        "notes": "", "deleted_at": NOW if rng.random() < 0.005 else None, "created_by_id": 2 * chapter_id - 1,
        "created_at": created, "updated_at": created + dt.timedelta(days=rng.randrange(30)),
    }  # fmt: skip


def _positions(rows: Rows, ctx: Context, contact_id: int, chapter_id: int) -> list[str]:
    """Add the contact's positions; return the names of their organisations."""
    rng = ctx.rng
    # Selection sampling: every contact has one position, and exactly ``extra_positions`` of them a second.
    count = 1 + (rng.random() * ctx.contacts_left < ctx.extra_positions)
    ctx.extra_positions -= count - 1
    ctx.contacts_left -= 1
    org_names = []
    for org_id in rng.choices(ctx.org_ids[chapter_id], cum_weights=ctx.org_weights[chapter_id], k=count):
        name, org_kind = ctx.org_names[org_id]
        org_names.append(name)
        start = TODAY - dt.timedelta(days=rng.randrange(3650))
        ended = rng.random() < 0.2
        rows.add("positions", {
            "id": ctx.next_id("positions"), "contact_id": contact_id, "organisation_id": org_id,
            "title": rng.choice(TITLES[org_kind]), "start_date": start,
            "end_date": start + dt.timedelta(days=rng.randrange(30, 1500)) if ended else None,
        })  # fmt: skip
    return org_names


def _methods(rows: Rows, ctx: Context, contact_id: int, names: tuple[str, str, str]) -> list[str]:
    """Add an email address (and for half the contacts a phone number); return the addresses."""
    rng = ctx.rng
    domain = rng.choice(["example.org", "example.net", "parliament.example", "mail.example"])
    emails = [f"{_email_local(*names)}{contact_id}@{domain}"]
    for email in emails:
        rows.add("contact_methods", {"id": ctx.next_id("contact_methods"), "contact_id": contact_id,
                                     "kind": "email", "label": "work", "value": email})  # fmt: skip
    if rng.random() < 0.5:
        rows.add("contact_methods", {"id": ctx.next_id("contact_methods"), "contact_id": contact_id,
                                     "kind": "phone", "label": "office",
                                     "value": f"+31 70 {rng.randrange(1000000, 9999999)}"})  # fmt: skip
    return emails


def contact(rows: Rows, ctx: Context, chapter_id: int, family_weights: list[float]) -> None:
    """Add one contact with what the contacts service writes for it: positions, methods, tags, holders,
    the first stance, the "created" change record and the search terms.
    """
    rng = ctx.rng
    names = _person(ctx, CHAPTERS[chapter_id - 1][2], family_weights)
    if chapter_id == 1:
        ctx.families[names[2]] += 1
    contact_id = ctx.next_id("contacts")
    row = _contact_row(ctx, contact_id, chapter_id, names)
    rows.add("contacts", row)
    org_names = _positions(rows, ctx, contact_id, chapter_id)
    emails = _methods(rows, ctx, contact_id, names)
    tag_names = []
    for tag_id, tag_name in rng.sample(ctx.tag_ids[chapter_id], k=rng.choice([0, 0, 1, 1, 2, 3])):
        tag_names.append(tag_name)
        rows.add("contact_tags", {"contact_id": contact_id, "tag_id": tag_id})
    if rng.random() < 0.1:
        rows.add("contact_holders", {"contact_id": contact_id, "user_id": 2 * chapter_id - rng.randrange(2)})
    rows.add("stance_changes", {"id": ctx.next_id("stance_changes"), "contact_id": contact_id, "note": "",
                                "stance": row["stance"], "previous_stance": None,
                                "recorded_by_id": row["created_by_id"], "recorded_at": row["created_at"]})  # fmt: skip
    created = {k: [None, row[k]] for k in CHANGE_FIELDS if row[k] not in (None, "")}
    created |= (
        {"emails": [None, emails], "tags": [None, sorted(tag_names)]} if tag_names else {"emails": [None, emails]}
    )
    rows.add("changes", {"id": ctx.next_id("changes"), "chapter_id": chapter_id, "entity_type": "contact",
                         "entity_id": contact_id, "action": "created", "actor_id": row["created_by_id"],
                         "at": row["created_at"], "changes": created})  # fmt: skip
    terms = contact_terms(names=[row["display_name"], *names], emails=emails, organisations=org_names, tags=tag_names)
    for term_row in term_rows(contact_id, chapter_id, row["sort_name"], terms if row["deleted_at"] is None else ()):
        rows.add("contact_search_terms", term_row)  # a contact in the trash has no search terms


def contacts(rows: Rows, ctx: Context, total: int) -> None:
    """Add ``total`` contacts over the chapters, family names drawn so that some are common."""
    weights = {country: zipf_cumulative(len(ctx.pool.family[country]), 0.5) for country in ("NL", "US")}
    for chapter_id, size in enumerate(_split(total), start=1):
        for _ in range(size):
            contact(rows, ctx, chapter_id, weights[CHAPTERS[chapter_id - 1][2]])
    rows.common_family = fold(ctx.families.most_common(1)[0][0])
