"""A user's own settings: name, language and time zone."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import Auth

TRANSLATIONS = Path(__file__).resolve().parents[2] / "crm" / "translations"


def _save(client: FlaskClient, **fields: str) -> Any:
    data = {"name": "Volunteer", "language": "", "timezone": ""} | fields
    return client.post("/settings", data=data)


def _html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match.group(1)


def dutch(message: str) -> str | None:
    """Return the Dutch catalog's translation of ``message``, or None while there is no compiled catalog."""
    if not (TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo").exists():
        return None
    translated = gettext.translation("messages", TRANSLATIONS, languages=["nl"]).gettext(message)
    assert translated != message, f"{message!r} is not translated in the Dutch catalog"
    return translated


@pytest.fixture
def signed_in_user(auth: Auth, user: Any) -> Any:
    auth.login(user)
    return user


def test_the_settings_page_shows_the_current_values(client: FlaskClient, signed_in_user: Any) -> None:
    page = client.get("/settings").get_data(as_text=True)
    assert f'value="{signed_in_user.name}"' in page
    assert signed_in_user.email in page


def test_settings_need_a_signed_in_user(client: FlaskClient) -> None:
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.post("/settings", data={"name": "x"}).status_code == 302


def test_change_the_name(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    response = _save(client, name="  Ada Lovelace ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    db_session.refresh(signed_in_user)
    assert signed_in_user.name == "Ada Lovelace"
    assert "Your settings are saved." in client.get("/settings").get_data(as_text=True)


def test_the_name_is_required(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    before = signed_in_user.name
    assert _save(client, name="").status_code == 400
    db_session.refresh(signed_in_user)
    assert signed_in_user.name == before


def test_switch_the_interface_to_dutch(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    assert _html_lang(client.get("/settings").get_data(as_text=True)) == "en"

    assert _save(client, name=signed_in_user.name, language="nl").status_code == 302

    db_session.refresh(signed_in_user)
    assert signed_in_user.language == "nl"
    page = client.get("/settings").get_data(as_text=True)
    assert _html_lang(page) == "nl"
    translated = dutch("Save settings")
    if translated is not None:
        assert translated in page


def test_the_language_setting_beats_the_browser(client: FlaskClient, signed_in_user: Any) -> None:
    _save(client, name=signed_in_user.name, language="en")
    page = client.get("/settings", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert _html_lang(page) == "en"


def test_without_a_setting_the_browser_language_is_used(client: FlaskClient, signed_in_user: Any) -> None:
    page = client.get("/settings", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_data(as_text=True)
    assert _html_lang(page) == "nl"


def test_an_unknown_language_is_refused(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    assert _save(client, name=signed_in_user.name, language="xx").status_code == 400
    db_session.refresh(signed_in_user)
    assert signed_in_user.language is None


def test_change_the_time_zone(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    assert _save(client, name=signed_in_user.name, timezone="America/New_York").status_code == 302
    db_session.refresh(signed_in_user)
    assert signed_in_user.timezone == "America/New_York"
    page = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="America/New_York">' in page


def test_an_unknown_time_zone_is_refused(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    assert _save(client, name=signed_in_user.name, timezone="Mars/Olympus_Mons").status_code == 400
    db_session.refresh(signed_in_user)
    assert signed_in_user.timezone is None


def test_back_to_the_defaults(client: FlaskClient, signed_in_user: Any, db_session: Session) -> None:
    _save(client, name=signed_in_user.name, language="nl", timezone="Europe/London")
    _save(client, name=signed_in_user.name, language="", timezone="")
    db_session.refresh(signed_in_user)
    assert signed_in_user.language is None
    assert signed_in_user.timezone is None
