"""Print how to reach the app and sign in; ``make run`` calls this before serving."""

from __future__ import annotations

from crm import create_app
from crm.auth.services import has_users
from crm.db import database

URL = "http://127.0.0.1:5000"


def main() -> None:
    """Tell a newcomer where to go, depending on whether any account exists."""
    app = create_app()
    with app.app_context(), database(app).sessionmaker() as session:
        first_run = not has_users(session)
    print("\n  Lobby CRM is starting on " + URL)
    if first_run:
        print(f"  No account exists yet: open {URL}/setup to create the first administrator")
        print("  (or run: .venv/bin/crm users create --admin). Load demo data with: .venv/bin/crm demo\n")
    else:
        print(f"  Sign in at {URL}/login. Forgot the password? Use the reset link there; without SMTP the")
        print("  message waits in the outbox, or create another admin with: .venv/bin/crm users create --admin\n")


if __name__ == "__main__":
    main()
