"""The whole Tweede Kamer (EveryPolitician Popolo, Nov 2015) loaded through the contact services and browsed.

The file is read from ``../shared/data`` (not copied into the project); without it the test skips, except in CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crm.contacts import services
from crm.contacts.models import Contact, ContactKind, OrganisationKind
from crm.errors import Invalid
from crm.organisations.services import find_or_create_organisation

POPOLO = Path(__file__).resolve().parents[2] / "shared" / "data" / "nl" / "ep-popolo-v1.0.json"


@pytest.fixture(scope="module")
def popolo() -> dict[str, Any]:
    if not POPOLO.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{POPOLO} is missing; CI runs with shared/ beside the clone")
        pytest.skip(f"{POPOLO} not found")
    return json.loads(POPOLO.read_text())


def _load(session: Any, chapter: Any, popolo: dict[str, Any]) -> dict[str, Contact]:
    kinds = {"party": OrganisationKind.PARTY, "legislature": OrganisationKind.PARLIAMENT}
    organisations = {
        o["id"]: find_or_create_organisation(
            session, None, chapter_id=chapter.id, name=o["name"], kind=kinds[o["classification"]], country="NL"
        )
        for o in popolo["organizations"]
    }
    party_of = {m["person_id"]: m["on_behalf_of_id"] for m in popolo["memberships"]}
    contacts = {}
    for person in popolo["persons"]:
        identifiers = [
            (i["scheme"], i["identifier"])
            for i in person.get("identifiers", [])
            if i["scheme"] in {"parlement", "wikidata"}
        ]
        contacts[person["id"]] = services.create_contact(
            session,
            None,
            chapter_id=chapter.id,
            given_name=person["given_name"],
            family_name=person["family_name"],
            kind=ContactKind.REPRESENTATIVE,
            country="NL",
            emails=[("work", person["email"])],
            external_ids=identifiers,
            positions=[
                (organisations["legislature"], "Lid Tweede Kamer", None, None),
                (organisations[party_of[person["id"]]], "Kamerlid", None, None),
            ],
        )
    session.flush()
    return contacts


def test_a_whole_parliament_loads_and_can_be_browsed(
    app, db_session, chapter, user, auth, popolo, count_queries
) -> None:
    with app.test_request_context():
        contacts = _load(db_session, chapter, popolo)
    assert len(contacts) == len(popolo["persons"]) == 152
    auth.login(user)
    client = auth.client

    # Every member is on the parliament's page (50 a page).
    kamer = db_session.scalar(sa.text("SELECT id FROM organisations WHERE name = 'Tweede Kamer'"))
    pages = "".join(
        client.get(f"/organisations/{kamer}", query_string={"page": n}).get_data(as_text=True) for n in (1, 2, 3, 4)
    )
    for contact in contacts.values():
        assert f'/contacts/{contact.id}"' in pages
    sample = popolo["persons"][::25]

    # Found by family name (prefixes such as "van" included), by party, and by email address.
    for person in sample:
        found = client.get("/contacts/", query_string={"q": person["family_name"]}).get_data(as_text=True)
        assert f'/contacts/{contacts[person["id"]].id}"' in found, person["family_name"]
    by_email = client.get("/contacts/", query_string={"q": popolo["persons"][0]["email"]}).get_data(as_text=True)
    assert f'/contacts/{contacts[popolo["persons"][0]["id"]].id}"' in by_email

    # The list's SQL does not grow with the number of rows on it.
    count_queries.reset()
    assert client.get("/contacts/").status_code == 200
    full = count_queries.count
    count_queries.reset()
    assert client.get("/contacts/", query_string={"q": popolo["persons"][0]["family_name"]}).status_code == 200
    assert count_queries.count <= full


def test_parliament_ids_are_unique_per_chapter(app, db_session, chapter, popolo) -> None:
    with app.test_request_context():
        contacts = _load(db_session, chapter, popolo)
        person = popolo["persons"][0]
        wikidata = next(i["identifier"] for i in person["identifiers"] if i["scheme"] == "wikidata")
        with pytest.raises(Invalid):
            services.create_contact(
                db_session,
                None,
                chapter_id=chapter.id,
                given_name="Someone",
                family_name="Else",
                external_ids=[("wikidata", wikidata)],
            )
    assert len(contacts) == 152
