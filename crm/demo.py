"""The demo data set: a Dutch national chapter with a local one, a UK chapter, their people and organisations.

The people are invented; the institutions are real. Everything goes through the same services the screens use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.auth.models import Chapter, ChapterKind, Membership, Role, User
from crm.auth.passwords import hash_password
from crm.contacts import relations
from crm.contacts.models import Contact
from crm.contacts.services import create_contact
from crm.organisations.services import find_or_create_organisation

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed to the person who loads the demo; never in production

CHAPTERS = [
    ("PauseAI Nederland", ChapterKind.NATIONAL, "NL", None),
    ("PauseAI Amsterdam", ChapterKind.LOCAL, "NL", "PauseAI Nederland"),
    ("PauseAI UK", ChapterKind.NATIONAL, "GB", None),
]
USERS = [
    ("coordinator.nl@example.org", "Sanne Visser", "PauseAI Nederland", Role.COORDINATOR, "nl"),
    ("volunteer.nl@example.org", "Daan Bakker", "PauseAI Nederland", Role.VOLUNTEER, "nl"),
    ("volunteer.amsterdam@example.org", "Fleur de Wit", "PauseAI Amsterdam", Role.VOLUNTEER, "nl"),
    ("coordinator.uk@example.org", "Olivia Hughes", "PauseAI UK", Role.COORDINATOR, "en"),
    ("volunteer.uk@example.org", "Harry Patel", "PauseAI UK", Role.VOLUNTEER, "en"),
]
# (name, kind, parent name)
ORGANISATIONS = {
    "PauseAI Nederland": [
        ("Tweede Kamer der Staten-Generaal", "parliament", None),
        ("Vaste commissie voor Digitale Zaken", "committee", "Tweede Kamer der Staten-Generaal"),
        ("Ministerie van Economische Zaken", "ministry", None),
        ("GroenLinks-PvdA", "party", None),
        ("VVD", "party", None),
        ("D66", "party", None),
        ("CDA", "party", None),
        ("Rathenau Instituut", "ngo", None),
        ("Universiteit van Amsterdam", "university", None),
    ],
    "PauseAI UK": [
        ("House of Commons", "parliament", None),
        ("Science, Innovation and Technology Committee", "committee", "House of Commons"),
        ("Department for Science, Innovation and Technology", "ministry", None),
        ("AI Security Institute", "agency", None),
        ("Labour Party", "party", None),
        ("Conservative Party", "party", None),
        ("Liberal Democrats", "party", None),
        ("University of Oxford", "university", None),
    ],
}
_TERM_START = dt.date(2023, 12, 6)
# (chapter, fields, positions as (organisation, title, start))
CONTACTS: list[tuple[str, dict[str, Any], list[tuple[str, str, dt.date | None]]]] = [
    (
        "PauseAI Nederland",
        {
            "given_name": "Marieke",
            "name_prefix": "van der",
            "family_name": "Berg",
            "honorific": "mevrouw",
            "kind": "representative",
            "stance": "supportive",
            "is_target": True,
            "priority": 1,
            "understands_ai": "partly",
            "understands_catastrophic_risk": "yes",
            "tags": ["digitale zaken"],
            "goals": "Wil het voortouw nemen in Europees AI-beleid; houdt van coalities bouwen.",
            "emails": [("werk", "m.vdberg@example.nl")],
        },
        [
            ("Tweede Kamer der Staten-Generaal", "Lid Tweede Kamer", _TERM_START),
            ("Vaste commissie voor Digitale Zaken", "Woordvoerder AI", _TERM_START),
            ("D66", "Kamerlid", _TERM_START),
        ],
    ),
    (
        "PauseAI Nederland",
        {
            "given_name": "Joost",
            "family_name": "Hendriks",
            "kind": "representative",
            "stance": "undecided",
            "is_target": True,
            "priority": 2,
            "technical_background": "yes",
            "tags": ["digitale zaken"],
            "background": "Voormalig software-ingenieur; begrijpt hoe modellen getraind worden.",
        },
        [("Tweede Kamer der Staten-Generaal", "Lid Tweede Kamer", _TERM_START), ("VVD", "Kamerlid", _TERM_START)],
    ),
    (
        "PauseAI Nederland",
        {
            "given_name": "Esra",
            "family_name": "Yilmaz",
            "kind": "representative",
            "stance": "skeptical",
            "understands_global_coordination": "yes",
        },
        [
            ("Tweede Kamer der Staten-Generaal", "Lid Tweede Kamer", _TERM_START),
            ("GroenLinks-PvdA", "Kamerlid", _TERM_START),
        ],
    ),
    (
        "PauseAI Nederland",
        {
            "given_name": "Pieter",
            "family_name": "de Jong",
            "kind": "staff",
            "stance": "supportive",
            "notes": "Beleidsmedewerker; **snelle** reactie per e-mail.",
        },
        [("Ministerie van Economische Zaken", "Beleidsmedewerker AI", dt.date(2022, 3, 1))],
    ),
    (
        "PauseAI Nederland",
        {
            "given_name": "Annelies",
            "family_name": "Kuipers",
            "honorific": "prof. dr.",
            "kind": "helper",
            "stance": "champion",
            "technical_background": "yes",
            "understands_catastrophic_risk": "yes",
            "tags": ["hoogleraar", "handtekening"],
        },
        [("Universiteit van Amsterdam", "Hoogleraar AI-veiligheid", None)],
    ),
    (
        "PauseAI Amsterdam",
        {
            "given_name": "Thijs",
            "family_name": "Mulder",
            "kind": "journalist",
            "stance": "undecided",
            "links": [("site", "https://example.nl/thijs")],
        },
        [],
    ),
    (
        "PauseAI UK",
        {
            "given_name": "Eleanor",
            "family_name": "Whitfield",
            "honorific": "Dr",
            "kind": "representative",
            "stance": "supportive",
            "is_target": True,
            "priority": 1,
            "understands_ai": "yes",
            "constituency": "Cambridge North",
            "country": "GB",
            "tags": ["science committee"],
        },
        [
            ("House of Commons", "Member of Parliament", dt.date(2024, 7, 4)),
            ("Science, Innovation and Technology Committee", "Member", dt.date(2024, 10, 1)),
            ("Labour Party", "MP", dt.date(2024, 7, 4)),
        ],
    ),
    (
        "PauseAI UK",
        {
            "given_name": "Charles",
            "family_name": "Ashworth",
            "kind": "representative",
            "stance": "opposed",
            "constituency": "Wessex Downs",
            "country": "GB",
        },
        [
            ("House of Commons", "Member of Parliament", dt.date(2019, 12, 12)),
            ("Conservative Party", "MP", dt.date(2019, 12, 12)),
        ],
    ),
    (
        "PauseAI UK",
        {"given_name": "Priya", "family_name": "Raman", "kind": "staff", "stance": "supportive", "country": "GB"},
        [("Department for Science, Innovation and Technology", "Policy adviser, frontier AI", dt.date(2023, 5, 1))],
    ),
    (
        "PauseAI UK",
        {
            "given_name": "Tom",
            "family_name": "Fairbairn",
            "kind": "helper",
            "stance": "champion",
            "country": "GB",
            "technical_background": "yes",
            "tags": ["professor"],
        },
        [("University of Oxford", "Professor of Computer Science", None)],
    ),
]
LISTENS_TO = [
    ("Marieke van der Berg", "Annelies Kuipers", "Noemde haar twee keer in een debat."),
    ("Joost Hendriks", "Pieter de Jong", "Oud-collega's."),
    ("Eleanor Whitfield", "Tom Fairbairn", "Cites his work on evaluations."),
]


def _chapters(session: Session) -> dict[str, Chapter]:
    chapters: dict[str, Chapter] = {}
    for name, kind, country, parent in CHAPTERS:
        chapter = session.scalar(sa.select(Chapter).where(Chapter.name == name))
        if chapter is None:
            chapter = Chapter(name=name, kind=kind, country=country, parent=chapters.get(parent or ""))
            session.add(chapter)
        chapters[name] = chapter
    session.flush()  # ids for the memberships and records below
    return chapters


def _users(session: Session, chapters: dict[str, Chapter]) -> list[str]:
    created = []
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, chapter, role, language in USERS:
        if session.scalar(sa.select(User.id).where(User.email == email)) is None:
            user = User(email=email, name=name, password_hash=password_hash, language=language)
            session.add(Membership(user=user, chapter=chapters[chapter], role=role))
            created.append(email)
    admins = session.scalars(sa.select(User).where(User.is_admin.is_(True))).all()
    for admin in admins:
        for chapter in (chapters["PauseAI Nederland"], chapters["PauseAI UK"]):
            if not any(m.chapter_id == chapter.id for m in admin.memberships):
                session.add(Membership(user=admin, chapter=chapter, role=Role.COORDINATOR))
    session.flush()
    return created


def load_demo(session: Session, *, force: bool = False) -> str:
    """Load the demo data set into ``session``'s transaction; return a summary for the console."""
    if not force and session.scalar(sa.select(sa.func.count(Contact.id))):
        return "The database already has contacts; use --force to add the demo data anyway."
    chapters = _chapters(session)
    users = _users(session, chapters)
    organisations = {}
    for chapter_name, rows in ORGANISATIONS.items():
        for name, kind, _parent in rows:
            organisations[name] = find_or_create_organisation(
                session,
                None,
                chapter_id=chapters[chapter_name].id,
                name=name,
                kind=kind,
                country=chapters[chapter_name].country,
            )
        for name, _kind, parent in rows:
            if parent:
                organisations[name].parent_id = organisations[parent].id
    contacts = {}
    for chapter_name, fields, positions in CONTACTS:
        chapter = chapters[chapter_name]
        contact = create_contact(
            session,
            None,
            chapter_id=chapter.id,
            **{"country": chapter.country, **fields},
            positions=[(organisations[org].id, title, start, None) for org, title, start in positions],
        )
        contacts[contact.display_name] = contact
    for listener, trusted, note in LISTENS_TO:
        relations.add_listens_to(session, None, contacts[listener], trusted=contacts[trusted], note=note)
    return (
        f"Loaded {len(chapters)} chapters, {len(organisations)} organisations, {len(contacts)} contacts. "
        f"Demo users ({', '.join(users) or 'already there'}) sign in with the password {DEMO_PASSWORD!r}."
    )
