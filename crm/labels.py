"""Translated labels for every enumeration a user sees."""

from __future__ import annotations

from crm.auth.models import ChapterKind, Role
from crm.contacts.models import ContactKind, MethodKind, OrganisationKind, Stance, Understanding
from crm.i18n import lazy_gettext as _l
from crm.mail.models import EmailStatus

CHAPTER_KINDS = {ChapterKind.NATIONAL: _l("National"), ChapterKind.LOCAL: _l("Local")}
ROLES = {Role.VOLUNTEER: _l("Volunteer"), Role.COORDINATOR: _l("Coordinator")}
CONTACT_KINDS = {
    ContactKind.REPRESENTATIVE: _l("Representative"),
    ContactKind.STAFF: _l("Staff member"),
    ContactKind.HELPER: _l("Helper or expert"),
    ContactKind.JOURNALIST: _l("Journalist"),
    ContactKind.OTHER: _l("Other"),
}
STANCES = {
    Stance.CHAMPION: _l("Champion"),
    Stance.SUPPORTIVE: _l("Supportive"),
    Stance.UNDECIDED: _l("Undecided"),
    Stance.SKEPTICAL: _l("Skeptical"),
    Stance.OPPOSED: _l("Opposed"),
    Stance.UNKNOWN: _l("Unknown"),
}
UNDERSTANDING = {
    Understanding.UNKNOWN: _l("Unknown"),
    Understanding.NO: _l("No"),
    Understanding.PARTLY: _l("Partly"),
    Understanding.YES: _l("Yes"),
}
ORGANISATION_KINDS = {
    OrganisationKind.PARLIAMENT: _l("Parliament or chamber"),
    OrganisationKind.PARTY: _l("Political party"),
    OrganisationKind.COMMITTEE: _l("Committee"),
    OrganisationKind.MINISTRY: _l("Ministry or department"),
    OrganisationKind.AGENCY: _l("Agency"),
    OrganisationKind.NGO: _l("NGO or think tank"),
    OrganisationKind.UNIVERSITY: _l("University"),
    OrganisationKind.MEDIA: _l("Media"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.OTHER: _l("Other"),
}
METHOD_KINDS = {
    MethodKind.EMAIL: _l("Email"),
    MethodKind.PHONE: _l("Phone"),
    MethodKind.ADDRESS: _l("Address"),
    MethodKind.LINK: _l("Link"),
}
EMAIL_STATUSES = {
    EmailStatus.QUEUED: _l("Queued"),
    EmailStatus.SENDING: _l("Sending"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
}

TEMPLATE_GLOBALS = {
    "chapter_kinds": CHAPTER_KINDS,
    "role_labels": ROLES,
    "contact_kinds": CONTACT_KINDS,
    "stance_labels": STANCES,
    "understanding_labels": UNDERSTANDING,
    "organisation_kinds": ORGANISATION_KINDS,
    "method_kinds": METHOD_KINDS,
    "email_statuses": EMAIL_STATUSES,
}
