"""A newcomer's first hour, in a real browser against a live server, mail read from a real SMTP server.

First administrator → a chapter → an invited volunteer sets a password, switches to Dutch, records an
organisation and a representative with a position and a stance, edits them, finds them → a user of another
chapter cannot see them. Inputs are found by their labels, as a person (or a screen reader) finds them.
"""

from __future__ import annotations

import gettext
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crm.db import database
from crm.mail.models import OutboundEmail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

TRANSLATIONS = Path(__file__).resolve().parents[2] / "crm" / "translations"
ADMIN_PASSWORD = "admin passphrase 1"
VERA_PASSWORD = "vera passphrase 22"
UMA_PASSWORD = "uma passphrase 333"
TIMEOUT_MS = 10_000


def _dutch_catalog() -> gettext.NullTranslations:
    return gettext.translation("messages", TRANSLATIONS, languages=["nl"], fallback=True)


def nl(message: str) -> str:
    """Return the Dutch interface's text for ``message`` (the English one while no catalog is compiled)."""
    return _dutch_catalog().gettext(message)


def _has_dutch_catalog() -> bool:
    return (TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo").exists()


def _watch(page: Any, problems: list[str]) -> Any:
    """Collect script errors and CSP refusals: the pages must work under the Content-Security-Policy."""
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    return page


def _invitation_link(live: LiveServer, to: str, timeout: float = 25.0) -> str:
    """Wait for the invitation to ``to`` (sent after the response) and return its link.

    The wait outlasts the app's SMTP timeout (20 s), so a slow but working delivery on a busy machine passes;
    when nothing arrives, the message says what the outbox recorded (status, attempts, last error).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(live.smtp.messages):
            if message["To"] == to:
                assert message.get_body(preferencelist=("html",)) is not None
                text = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(r"http://127\.0\.0\.1:\d+/invitation/\S+", text)
                assert match, text
                return match.group(0)
        time.sleep(0.1)
    arrived = [m["To"] for m in live.smtp.messages]
    raise AssertionError(f"no invitation to {to} arrived; got {arrived}; the outbox holds {_outbox(live)}")


def _outbox(live: LiveServer) -> list[tuple[Any, ...]]:
    """Return (to, status, attempts, last error) of every message in the live app's outbox."""
    columns = (OutboundEmail.to_address, OutboundEmail.status, OutboundEmail.attempts, OutboundEmail.last_error)
    with database(live.app).engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(*columns).order_by(OutboundEmail.id))]


@contextmanager
def _server_errors_shown(live: LiveServer) -> Iterator[None]:
    """When a step fails because the server raised, say so (the browser only sees an error page)."""
    try:
        yield
    except Exception as error:
        if live.errors:
            raise AssertionError(f"the live server raised: {live.errors!r}") from error
        raise


def _heading(page: Any, name: str) -> Any:
    return page.get_by_role("heading", name=name, level=1)


def _first_run(page: Any, live: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto(live.url + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    page.get_by_label("Your name").fill("Ada Admin")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("Repeat the password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Create the administrator").click()
    expect(page).to_have_url(re.compile(r"/chapters/new$"))


def _create_chapter(page: Any, name: str, country: str) -> None:
    from playwright.sync_api import expect

    page.goto(page.url.split("/chapters")[0] + "/chapters/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind", exact=True).select_option("national")
    page.get_by_label("Country (two-letter code)").fill(country)
    page.get_by_role("button", name="Save chapter").click()
    expect(_heading(page, name)).to_be_visible()


def _invite(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role", exact=True).select_option("volunteer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {email}.")).to_be_visible()


def _accept(page: Any, link: str, name: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(link)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Join the chapter").click()
    expect(_heading(page, f"Hello, {name}")).to_be_visible()


def _switch_to_dutch(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    if _has_dutch_catalog():
        expect(_heading(page, nl("Settings"))).to_be_visible()
        assert nl("Settings") != "Settings"


def _add_organisation(page: Any) -> str:
    from playwright.sync_api import expect

    page.get_by_role("link", name=nl("Organisations"), exact=True).click()
    page.get_by_role("link", name=nl("New organisation")).click()
    page.get_by_label(nl("Name"), exact=True).fill("Tweede Kamer")
    page.get_by_label(nl("Kind"), exact=True).select_option("parliament")
    page.get_by_role("button", name=nl("Save organisation")).click()
    expect(_heading(page, "Tweede Kamer")).to_be_visible()
    return str(page.url)


def _add_representative(page: Any) -> str:
    from playwright.sync_api import expect

    page.get_by_role("link", name=nl("Contacts"), exact=True).click()
    page.get_by_role("link", name=nl("New contact")).click()
    page.get_by_label(nl("Given name")).fill("Sophie")
    page.get_by_label(nl("Family name")).fill("Hermans")
    page.get_by_label(nl("Kind"), exact=True).select_option("representative")
    page.get_by_label(nl("Stance on AI risk")).select_option("supportive")
    page.get_by_role("button", name=nl("Save contact")).click()
    expect(_heading(page, "Sophie Hermans")).to_be_visible()
    expect(page.get_by_text(nl("Supportive"), exact=True).first).to_be_visible()
    contact_url = str(page.url)

    page.get_by_label(nl("Organisation"), exact=True).fill("Tweede Kamer")
    page.get_by_label(nl("Title or role")).fill("Member of the Tweede Kamer")
    page.get_by_role("button", name=nl("Add position")).click()
    expect(page.get_by_role("link", name="Tweede Kamer")).to_be_visible()
    expect(page.get_by_text("Member of the Tweede Kamer").first).to_be_visible()
    return contact_url


def _edit_representative(page: Any, contact_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(contact_url)
    page.get_by_role("link", name=nl("Edit"), exact=True).click()
    page.get_by_label(nl("Given name")).fill("Sophie-Anne")
    page.get_by_label(nl("Stance on AI risk")).select_option("champion")
    page.get_by_label(nl("Why this stance (optional)")).fill("Spoke for a pause in the debate")
    page.get_by_role("button", name=nl("Save contact")).click()
    expect(_heading(page, "Sophie-Anne Hermans")).to_be_visible()
    expect(page.get_by_text(nl("Champion"), exact=True).first).to_be_visible()
    expect(page.get_by_text("Spoke for a pause in the debate")).to_be_visible()  # the stance history


def english(message: str) -> str:
    return message


def _edit_organisation(page: Any, organisation_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(organisation_url)
    page.get_by_role("link", name=nl("Edit"), exact=True).click()
    page.get_by_label(nl("Website")).fill("https://www.tweedekamer.nl")
    page.get_by_role("button", name=nl("Save organisation")).click()
    expect(_heading(page, "Tweede Kamer")).to_be_visible()
    expect(page.get_by_role("link", name="https://www.tweedekamer.nl")).to_be_visible()


def _search(page: Any, query: str, t: Callable[[str], str] = nl) -> Any:
    page.get_by_role("link", name=t("Contacts"), exact=True).click()
    page.get_by_label(t("Search"), exact=True).fill(query)
    page.get_by_role("button", name=t("Search"), exact=True).click()
    return page


def test_a_newcomer_sets_up_and_a_volunteer_records_a_representative(browser: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    live, problems = live_server, []
    with _server_errors_shown(live):
        # The first administrator creates a chapter and invites a volunteer.
        admin = _watch(browser.new_context().new_page(), problems)
        _first_run(admin, live)
        _create_chapter(admin, "PauseAI Nederland", "NL")
        _invite(admin, "vera@example.org")
        link = _invitation_link(live, "vera@example.org")
        assert link.startswith(live.url + "/invitation/")

        # The volunteer joins, switches to Dutch and records a representative.
        vera = _watch(browser.new_context().new_page(), problems)
        _accept(vera, link, "Vera Vrijwilliger", VERA_PASSWORD)
        _switch_to_dutch(vera)
        organisation_url = _add_organisation(vera)
        contact_url = _add_representative(vera)
        _edit_representative(vera, contact_url)
        _edit_organisation(vera, organisation_url)

        _search(vera, "herm")
        expect(vera.get_by_role("link", name="Sophie-Anne Hermans")).to_be_visible()
        _search(vera, "tweede kamer")
        expect(vera.get_by_role("link", name="Sophie-Anne Hermans")).to_be_visible()
        vera.goto(organisation_url)
        expect(vera.get_by_role("link", name="Sophie-Anne Hermans")).to_be_visible()  # people by position

        # A volunteer of another chapter sees none of it.
        _create_chapter(admin, "PauseAI UK", "GB")
        _invite(admin, "uma@example.org")
        uma = _watch(browser.new_context().new_page(), problems)
        _accept(uma, _invitation_link(live, "uma@example.org"), "Uma Other", UMA_PASSWORD)
        for url in (contact_url, contact_url + "/edit", organisation_url):
            response = uma.goto(url)
            assert response is not None
            assert response.status == 404, url
            expect(uma.get_by_text("Hermans")).to_have_count(0)
        _search(uma, "hermans", english)
        expect(uma.get_by_role("link", name=re.compile("Hermans"))).to_have_count(0)
        uma.get_by_role("link", name="Contacts", exact=True).click()
        expect(uma.get_by_text("Hermans")).to_have_count(0)

    assert live.errors == []
    assert problems == []
