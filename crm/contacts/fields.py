"""The names of a contact's fields, shared by the service, the forms and the change history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.contacts.models import MethodKind

UNDERSTANDING_FIELDS = (
    "understands_catastrophic_risk", "understands_ai", "understands_global_coordination", "technical_background",
)
SCALAR_FIELDS = (
    "honorific", "given_name", "name_prefix", "family_name", "display_name", "kind", "country", "constituency",
    "stance", "is_target", "priority", "goals", "background", *UNDERSTANDING_FIELDS, "cadence_days", "notes",
)
METHOD_FIELDS = {"emails": MethodKind.EMAIL, "phones": MethodKind.PHONE, "addresses": MethodKind.ADDRESS,
                 "links": MethodKind.LINK}

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
    "tags": _l("Tags (separated by commas)"),
    "holder_ids": _l("Who holds the relationship"),
    "holders": _l("Who holds the relationship"),
    "external_ids": _l("External ids"),
    "positions": _l("Positions"),
    "position": _l("Position"),
    "listens_to": _l("Listens to"),
}
