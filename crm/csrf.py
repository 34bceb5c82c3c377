"""Signed CSRF tokens reused for a few minutes instead of signed anew for every page.

Flask-WTF signs the session's CSRF token (itsdangerous: JSON, zlib, HMAC, base64) once per request that shows
a form, and every signed-in page shows at least the sign-out form: about 0.1 ms a page. A signature made for
the same session token less than ``REUSE_SECONDS`` ago is handed to Flask-WTF instead, which takes
``g.csrf_token`` as the request's signed token. Such a token is at most that much older when the page is
served, so it stays valid for ``WTF_CSRF_TIME_LIMIT`` (an hour) less those minutes.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, session
from werkzeug.wrappers import Response

REUSE_SECONDS = 300
KEPT = 10_000  # signatures kept per process; the store starts afresh beyond that
_FIELD = "csrf_token"  # Flask-WTF's default WTF_CSRF_FIELD_NAME, its key in the session and in g


def _store() -> dict[str, tuple[str, float]]:
    return current_app.extensions["crm.csrf_signatures"]  # type: ignore[no-any-return]


def _reuse_signature() -> None:
    raw = session.get(_FIELD)
    if raw is None:
        return
    kept = _store().get(raw)
    if kept is not None and time.monotonic() - kept[1] < REUSE_SECONDS:
        setattr(g, _FIELD, kept[0])


def _keep_signature(response: Response) -> Response:
    signed, raw = g.get(_FIELD), session.get(_FIELD)
    if signed is not None and raw is not None:
        store = _store()
        kept = store.get(raw)
        if kept is None or kept[0] != signed:  # new, or signed again when the kept one grew too old
            if len(store) >= KEPT:
                store.clear()
            store[raw] = (signed, time.monotonic())
    return response


def init_app(app: Flask) -> None:
    """Reuse each session's signed CSRF token for ``REUSE_SECONDS``."""
    app.extensions["crm.csrf_signatures"] = {}
    app.before_request(_reuse_signature)
    app.after_request(_keep_signature)
