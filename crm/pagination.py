"""Offset pagination over a ``Select`` with a total count."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list; with ``more``, ``total`` is a lower bound: the list has more rows than that."""

    items: list[T]
    page: int
    per_page: int
    total: int
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.more


def page_number(raw: str | None) -> int:
    """Parse a ?page= value; anything odd means page 1."""
    try:
        return max(1, min(int(raw or 1), 1_000_000))
    except ValueError:
        return 1


def paginate(
    session: Session,
    stmt: sa.Select[Any],
    *,
    page: int,
    per_page: int,
    count_stmt: sa.Select[Any] | None = None,
    rows: bool = False,
) -> Page[Any]:
    """Return one page of ``stmt``'s scalars (with ``rows``, its whole rows) and the total number of rows."""
    if count_stmt is None:
        count_stmt = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    total = session.scalar(count_stmt) or 0
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(session.execute(paged).all() if rows else session.scalars(paged))
    return Page(items=items, page=page, per_page=per_page, total=total)
