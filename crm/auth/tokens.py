"""Signed, expiring links for password resets and invitations."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"crm.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """Sign ``payload`` for one ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int) -> Any | None:
    """Return the payload of a valid, unexpired token, or None."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except (BadSignature, ValueError, TypeError):
        return None


def fingerprint(value: str | None) -> str:
    """Return a short digest of ``value``; a token carrying it dies when the value changes (single use)."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]
