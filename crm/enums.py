"""Enumeration column helper shared by every domain."""

from __future__ import annotations

import enum

import sqlalchemy as sa


def str_enum(enum_class: type[enum.StrEnum], length: int = 20) -> sa.Enum:
    """Store a ``StrEnum`` by value in a VARCHAR, portable across SQLite and PostgreSQL."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
