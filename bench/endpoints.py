"""The endpoints the benchmark drives, built from the data set's metadata and the app's own forms.

The create form is read from the page (``GET /contacts/new``): every field keeps the value the page gives it
(hidden fields, selected options, the CSRF token), and only the name fields are filled in, so the benchmark
follows the form as it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from bench.client import Http, Load
from bench.floor import PAGES

CREATE_PATH = "/contacts/new"
DEEP_PAGE = 300
PER_PAGE = 50  # the app's default page size (CRM_PAGE_SIZE)
# Endpoints with the read target (share of the floor, p95) and the create target.
READ_TARGET_RATIO = 0.25
READ_TARGET_P95_MS = 15.0
CREATE_TARGET_PER_S = 150.0


@dataclass
class Endpoint:
    name: str
    label: str
    load: Load
    kind: str  # "floor", "read" or "create"


class _Forms(HTMLParser):
    """Collect each form's action, method and fields (name → value as the browser would submit it)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "fields": {}, "names": []})  # fmt: skip
            return
        if not self.forms:
            return
        fields, names = self.forms[-1]["fields"], self.forms[-1]["names"]
        name = a.get("name")
        if tag == "input" and name:
            names.append(name)
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "image", "file", "reset"}:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            names.append(name)
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            names.append(name)
            fields[name] = ""
            self._textarea = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def create_form(client: Http) -> tuple[dict[str, str], list[str]]:
    """Return the contact form's default submission with the name fields filled in, and its field names."""
    page = client.get(CREATE_PATH)
    if page.status != 200:
        raise RuntimeError(f"GET {CREATE_PATH} answered {page.status}")
    parser = _Forms()
    parser.feed(page.text)
    forms = [f for f in parser.forms if f["method"] == "post" and "logout" not in f["action"]]
    form = next((f for f in forms if f["action"].rstrip("/").endswith(CREATE_PATH)), forms[0] if forms else None)
    if form is None:
        raise RuntimeError(f"no form on {CREATE_PATH}")
    fields: dict[str, str] = dict(form["fields"])
    names = form["names"]
    if "family_name" in names:  # the service derives the display name from the parts
        fields.update(given_name="Bench", family_name="Created {n}")
    else:
        fields["display_name" if "display_name" in names else "name"] = "Bench Created {n}"
    return fields, form["names"]


def build(meta: dict[str, Any], form: dict[str, str] | None) -> list[Endpoint]:
    """Return the floor, the five read endpoints and (with the form) the create endpoint."""
    contacts = [f"/contacts/{i}" for i in meta["sample_contact_ids"]]
    # Page 300 of the representatives at 100k contacts; the last full page on a smaller data set.
    deep = min(DEEP_PAGE, max(1, meta["largest_chapter"]["live_representatives"] // PER_PAGE))
    organisations = [f"/organisations/{i}" for i in meta["sample_organisation_ids"]]
    endpoints = [
        Endpoint("floor", "floor (bare Flask + Jinja + SQLite)", Load([f"/?page={n}" for n in range(1, PAGES + 1)]),
                 "floor"),
        Endpoint("contacts_list", "contacts list, first page", Load(["/contacts/"]), "read"),
        Endpoint("contacts_search", f"contacts search ?q={meta['search_query']}",
                 Load([f"/contacts/?q={meta['search_query']}"]), "read"),
        Endpoint("contacts_deep_page", f"representatives, page {deep}",
                 Load([f"/contacts/?kind=representative&page={deep}"]), "read"),
        Endpoint("contact_page", f"contact page ({len(contacts)} ids)", Load(contacts), "read"),
        Endpoint("organisation_page", f"organisation page ({len(organisations)} ids)", Load(organisations), "read"),
    ]  # fmt: skip
    if form is not None:
        endpoints.append(
            Endpoint("contact_create", "create contact (POST form)", Load([CREATE_PATH], "POST", form, 302), "create")
        )
    return endpoints
