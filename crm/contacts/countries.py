"""ISO 3166-1 alpha-2 country codes, with names in the user's language (from Babel's CLDR data)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from markupsafe import Markup, escape

from crm.i18n import language

# The 249 officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which the EU and Wikidata use.
_CODES_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
    ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
    HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
    LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
    NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
    SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
"""
CODES = frozenset(_CODES_TEXT.split())


def normalize(code: str | None) -> str | None:
    """Return ``code`` upper-cased when it is a known country code, None when empty; raise ValueError otherwise."""
    if code is None or not code.strip():
        return None
    code = code.strip().upper()
    if code not in CODES:
        raise ValueError(code)
    return code


@cache
def _names(locale: str) -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {code: territories.get(code, code) for code in CODES}


@cache
def _choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = _names(locale)
    return tuple(sorted(names.items(), key=lambda item: item[1].casefold()))


def name(code: str | None) -> str:
    """Return the country's name in the current language ("" for none)."""
    if not code:
        return ""
    return _names(language()).get(code, code)


def choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name in the current language."""
    return list(_choices(language()))


@cache
def _options_html(locale: str) -> str:
    return "".join(f'<option value="{code}">{escape(label)}</option>' for code, label in _choices(locale))


def options_html(selected: str | None = None) -> Markup:
    """Return the <option> elements of every country, ``selected`` marked; built once per language.

    Building 250 options through WTForms on every request costs more than the rest of a list page.
    """
    html = _options_html(language())
    if selected and selected in CODES:
        html = html.replace(f'<option value="{selected}">', f'<option selected value="{selected}">', 1)
    return Markup(html)  # noqa: S704 - built from escaped names and fixed codes
