"""Real names read from the shared legislature data, to make the generated contacts look like real ones.

The files stay where they are (``../shared/data`` beside the checkout, or ``$BENCH_SHARED_DATA``); only names
are read from them, at generation time. Without the files the generator falls back to a short built-in list.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# shared/ sits beside the project's checkout (../shared/data), as on the team's machines and in CI.
DATA = Path(os.environ.get("BENCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
DUTCH_PREFIXES = {"van", "de", "der", "den", "ter", "ten", "het", "'t", "in", "op", "te", "la", "le", "du", "vd"}
_YAML_VALUE = re.compile(r"^    (first|last|nickname): (.+)$")
_YAML_NAME = re.compile(r"^  (?:- )?name: (.+)$")
_FALLBACK_GIVEN = ["Anna", "Pieter", "Maria", "John", "Fatima", "Sanne", "Mohamed", "Emma", "Daan", "Linda"]
_FALLBACK_FAMILY = [("", "Jansen"), ("de", "Vries"), ("", "Smith"), ("van", "Dijk"), ("", "Bakker"), ("", "Johnson")]


@dataclass
class NamePool:
    """Given names and (prefix, family) pairs per country, and real organisation names."""

    given: dict[str, list[str]] = field(default_factory=dict)
    family: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    organisations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # country → (name, kind)
    constituencies: dict[str, list[str]] = field(default_factory=dict)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _split_dutch(name: str, given: str, family: str | None) -> tuple[str, str]:
    """Split "Liesbeth van Tongeren" (given "Liesbeth") into ("van", "Tongeren"), dropping initials."""
    rest = name[len(given) :] if name.startswith(given) else name.split(" ", 1)[-1]
    words = [w for w in rest.split() if not (len(w) == 1 and w.isupper())]
    if family and family in words:
        words = words[: words.index(family)] + [family]
    prefix: list[str] = []
    while len(words) > 1 and words[0].lower() in DUTCH_PREFIXES:
        prefix.append(words.pop(0).lower())
    return " ".join(prefix), " ".join(words)


def _us(pool: NamePool) -> None:
    path = DATA / "us" / "legislators-current.yaml"
    if not path.exists():
        return
    given, family, districts = set(), set(), set()
    state = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _YAML_VALUE.match(line)
        if match and match.group(1) in {"first", "nickname"}:
            given.add(_unquote(match.group(2)))
        elif match:
            family.add(("", _unquote(match.group(2))))
        elif line.startswith("    state: "):
            state = _unquote(line.split(":", 1)[1])
        elif line.startswith("    district: ") and state:
            districts.add(f"{state}-{_unquote(line.split(':', 1)[1])}")
    pool.given["US"] = sorted(given)
    pool.family["US"] = sorted(family)
    pool.constituencies["US"] = sorted(districts)
    committees = DATA / "us" / "committees-current.yaml"
    if committees.exists():
        names = {_unquote(m.group(1)) for m in map(_YAML_NAME.match, committees.read_text().splitlines()) if m}
        pool.organisations["US"] = [(n, "committee") for n in sorted(names)]


def _nl(pool: NamePool) -> None:
    given: set[str] = set()
    family: set[tuple[str, str]] = set()
    organisations: set[tuple[str, str]] = set()
    for name in ("ep-popolo-v1.0-2019.json", "ep-popolo-v1.0.json"):
        path = DATA / "nl" / name
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for person in data.get("persons", []):
            full = person.get("name") or ""
            first = person.get("given_name") or full.split(" ", 1)[0]
            if not full or not first:
                continue
            given.add(first)
            family.add(_split_dutch(full, first, person.get("family_name")))
        for org in data.get("organizations", []):
            kind = "party" if org.get("classification") == "party" else "parliament"
            organisations.add((org["name"], kind))
    if given:
        pool.given["NL"] = sorted(given)
        pool.family["NL"] = sorted(f for f in family if f[1])
        pool.organisations["NL"] = sorted(organisations)
        pool.constituencies["NL"] = []


def load() -> NamePool:
    """Read the name pools from the shared data (or the built-in fallback)."""
    pool = NamePool()
    _us(pool)
    _nl(pool)
    for country in ("US", "NL"):
        pool.given.setdefault(country, list(_FALLBACK_GIVEN))
        pool.family.setdefault(country, list(_FALLBACK_FAMILY))
        pool.organisations.setdefault(country, [])
        pool.constituencies.setdefault(country, [])
    return pool
