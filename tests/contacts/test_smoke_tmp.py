from typing import Any
from tests.factories import ContactFactory, OrganisationFactory, PositionFactory


def test_smoke(client: Any, auth: Any, user: Any, chapter: Any, db_session: Any) -> None:
    auth.login(user)
    org = OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    c = ContactFactory(chapter=chapter)
    PositionFactory(contact=c, organisation=org)
    r = client.get("/contacts/")
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.get("/contacts/new")
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post("/contacts/new", data={"given_name": "Ana", "family_name": "Ćirić", "kind": "representative",
                                           "emails-0-value": "ana@example.org", "tags": "a, b", "stance": "supportive"})
    assert r.status_code == 302, r.get_data(as_text=True)
    loc = r.headers["Location"]
    r = client.get(loc)
    assert r.status_code == 200, r.get_data(as_text=True)
    print(r.get_data(as_text=True)[-3000:])
    r = client.get("/contacts/?q=ciric")
    assert "Ćirić" in r.get_data(as_text=True)
    r = client.get(loc + "/edit")
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(loc + "/positions", data={"organisation": "tweede kamer", "title": "MP"})
    assert r.status_code == 302, r.get_data(as_text=True)
    r = client.get("/contacts/trash")
    assert r.status_code == 200
    r = client.get(loc + "/history")
    assert r.status_code == 200
