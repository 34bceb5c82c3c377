"""The names of a contact's fields, shared by the service, the forms and the change history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from crm.contacts.cleaning import MethodInput
from crm.contacts.models import ContactKind, MethodKind, Stance, Understanding
from crm.i18n import lazy_gettext as _l

UNDERSTANDING_FIELDS = (
    "understands_catastrophic_risk",
    "understands_ai",
    "understands_global_coordination",
    "technical_background",
)
SCALAR_FIELDS = (
    "honorific",
    "given_name",
    "name_prefix",
    "family_name",
    "display_name",
    "kind",
    "country",
    "constituency",
    "stance",
    "is_target",
    "priority",
    "goals",
    "background",
    *UNDERSTANDING_FIELDS,
    "cadence_days",
    "notes",
)
METHOD_FIELDS = {
    "emails": MethodKind.EMAIL,
    "phones": MethodKind.PHONE,
    "addresses": MethodKind.ADDRESS,
    "links": MethodKind.LINK,
}

LABELS = {
    "chapter_id": _l("Chapter"),
    "honorific": _l("Honorific"),
    "given_name": _l("Given name"),
    "name_prefix": _l("Name prefix"),
    "family_name": _l("Family name"),
    "display_name": _l("Display name"),
    "kind": _l("Kind"),
    "country": _l("Country"),
    "constituency": _l("Constituency or district"),
    "stance": _l("Stance on AI risk"),
    "stance_note": _l("Why this stance (optional)"),
    "is_target": _l("Ultimate target"),
    "priority": _l("Priority"),
    "goals": _l("Goals and ambitions"),
    "background": _l("Background"),
    "understands_catastrophic_risk": _l("Understands catastrophic risk"),
    "understands_ai": _l("Understands AI"),
    "understands_global_coordination": _l("Understands global coordination"),
    "technical_background": _l("Technical background"),
    "cadence_days": _l("Keep-warm cadence (days)"),
    "notes": _l("Notes"),
    "emails": _l("Email addresses"),
    "phones": _l("Phone numbers"),
    "addresses": _l("Addresses"),
    "links": _l("Links"),
    "labels": _l("Labels"),
    "tags": _l("Tags"),
    "holder_ids": _l("Who holds the relationship"),
    "holders": _l("Who holds the relationship"),
    "external_ids": _l("External ids"),
    "positions": _l("Positions"),
    "position": _l("Position"),
    "listens_to": _l("Listens to"),
}


class ContactFields(TypedDict, total=False):
    """The editable data of a contact; ``update_contact`` changes only the keys given."""

    honorific: str | None
    given_name: str | None
    name_prefix: str | None
    family_name: str | None
    display_name: str | None
    kind: ContactKind | str
    country: str | None
    constituency: str | None
    stance: Stance | str
    is_target: bool
    priority: int | None
    goals: str
    background: str
    understands_catastrophic_risk: Understanding | str
    understands_ai: Understanding | str
    understands_global_coordination: Understanding | str
    technical_background: Understanding | str
    cadence_days: int | None
    notes: str
    emails: Sequence[MethodInput]
    phones: Sequence[MethodInput]
    addresses: Sequence[MethodInput]
    links: Sequence[MethodInput]
    tags: Sequence[str]
    holder_ids: Sequence[int]
    external_ids: Sequence[tuple[str, str]]


DEFAULTS: dict[str, Any] = {
    "kind": ContactKind.OTHER,
    "stance": Stance.UNKNOWN,
    "is_target": False,
    "priority": None,
    "goals": "",
    "background": "",
    "notes": "",
    "cadence_days": None,
    "country": None,
    "constituency": None,
    **dict.fromkeys(UNDERSTANDING_FIELDS, Understanding.UNKNOWN),
}
