"""Helpers of crm.db that compile differently per database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from crm.db import json_integers


@pytest.mark.parametrize("ids", [[3, 1, 2], [7], [], [2**31 - 1]])
def test_json_integers_selects_the_arrays_numbers(db_session: Session, ids: list[int]) -> None:
    rows = db_session.execute(json_integers("ids"), {"ids": json.dumps(ids)}).scalars().all()
    assert sorted(rows) == sorted(ids)
    assert all(isinstance(value, int) for value in rows)
