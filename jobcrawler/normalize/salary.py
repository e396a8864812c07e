"""Salary: ranges, European number formats, ``k``, currency and period from nl/fr/en/de text.

price-parser reads one amount well; a range is split first and each side read on its own.
Money is ``Decimal``, never float; ``$`` alone names no currency.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from price_parser import Price

_RANGE_SPLIT = re.compile(
    r"\s*(?:-|–|—|~|\bto\b|\btot\b|\bà\b|\bbis\b|\bet\b|\band\b|\ben\b|\bund\b)\s*", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(?:between|entre|tussen|zwischen|from|van|de|von|vanaf|à\s+partir\s+de|"
                      r"ab|min(?:imum)?\.?|up\s+to|jusqu'?à|tot|bis\s+zu)\s+", re.IGNORECASE)
_AMOUNT = re.compile(r"(?:[€$£]|\b(?:eur|euro|euros|usd|gbp|chf)\b)?\s*\d[\d.,'\s]*\s*[kK]?\b\s*"
                     r"(?:[€$£]|\b(?:eur|euro|euros|usd|gbp|chf)\b)?", re.IGNORECASE)
_PERIODS = (
    ("hour", re.compile(r"(?:(?<!\w)|(?=/))(?:per\s+hour|hourly|/\s*h(?:r|our)?|p/?h|per\s+uur|/\s*uur|uurloon|"
                        r"de\s+l'heure|/\s*heure|par\s+heure|horaire|pro\s+stunde|/\s*std|"
                        r"stundenlohn|an\s+hour|/hr)\b", re.IGNORECASE)),
    ("day", re.compile(r"(?:(?<!\w)|(?=/))(?:per\s+day|daily|day\s+rate|/\s*d(?:ay)?|p/?d|per\s+dag|/\s*dag|dagtarief|"
                       r"par\s+jour|/\s*jour|journalier|tjm|pro\s+tag|/\s*tag|tagessatz|a\s+day)\b",
                       re.IGNORECASE)),
    ("month", re.compile(r"(?:(?<!\w)|(?=/))(?:per\s+month|monthly|/\s*m(?:onth|o)?|p/?m|per\s+maand|/\s*maand|"
                         r"maandelijks|maandloon|par\s+mois|/\s*mois|mensuel(?:le)?|pro\s+monat|"
                         r"/\s*monat|monatlich|a\s+month)\b", re.IGNORECASE)),
    ("year", re.compile(r"(?:(?<!\w)|(?=/))(?:per\s+(?:year|annum)|annual(?:ly)?|yearly|/\s*y(?:ea)?r|p\.?\s?a\.?|"
                        r"per\s+jaar|/\s*jaar|jaarlijks|jaarloon|par\s+an|/\s*an|annuel(?:le)?|"
                        r"brut\s+annuel|pro\s+jahr|/\s*jahr|j[äa]hrlich|jahresgehalt|a\s+year)(?=\W|$)",
                        re.IGNORECASE)),
)
_NO_NUMBER = re.compile(r"\b(?:competitive|marktconform|attractive|attractief|aantrekkelijk|"
                        r"attrayant|comp[ée]titif|attraktiv|wettbewerbsf[äa]hig|negotiable|"
                        r"n[ée]gociable|bespreekbaar|verhandelbar|doe)\b", re.IGNORECASE)
_CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP",
               "usd": "USD", "us$": "USD", "chf": "CHF"}
_JOINT_COMMITTEE = re.compile(r"\b(?:PC|CP|PSC|SCP|JC|paritair\s+comit[ée]|commission\s+paritaire)\s*"
                              r"n?[°o]?\s*\d{3}(?:[.,]\d{1,2})?\b", re.IGNORECASE)
_GROSS = re.compile(r"\b(?:gross|bruto|brut|brutto\w*)\b", re.IGNORECASE)
_NET = re.compile(r"\b(?:net|netto)\b", re.IGNORECASE)


def _currency(text: str) -> str | None:
    low = text.casefold()
    for sign, code in _CURRENCIES.items():
        if len(sign) == 1 and sign in low:
            return code
        if len(sign) > 1 and re.search(rf"\b{re.escape(sign)}\b", low):
            return code
    return None


def _amount(text: str) -> Decimal | None:
    text = text.strip()
    multiplier = Decimal(1000) if re.search(r"\d\s*[kK]\b", text) else Decimal(1)
    text = re.sub(r"(\d)\s*[kK]\b", r"\1", text)
    # "4 500" and "4'500": thousands separated by a space or apostrophe
    text = re.sub(r"(?<=\d)[\s'](?=\d{3}\b)", "", text)
    price = Price.fromstring(text, decimal_separator=_decimal_separator(text))
    if price.amount is None:
        return None
    try:
        value = Decimal(price.amount) * multiplier
    except InvalidOperation:
        return None
    return value if value > 0 else None


def _decimal_separator(text: str) -> str | None:
    """European "4.500,50" and "4.500" use '.' for thousands; "65.5k" uses it for decimals."""
    digits = re.search(r"\d[\d.,]*", text)
    if not digits:
        return None
    number = digits[0].rstrip(".,")
    if "," in number and "." in number:
        return "," if number.rfind(",") > number.rfind(".") else "."
    if "." in number and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        return ","
    if "," in number and re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        return "."
    if "," in number:
        return ","
    return "."


def period(text: str) -> str | None:
    """hour, day, month or year, as the text states it."""
    for name, pattern in _PERIODS:
        if pattern.search(text):
            return name
    return None


def parse_salary(raw: str | None, structured: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """``{min, max, currency, period, gross, raw}`` with Decimal amounts, or None without a number.

    ``structured`` (platform fields or schema.org ``baseSalary`` already flattened to
    ``min``/``max``/``currency``/``period``) wins over the text where it has numbers.
    """
    if structured:
        result = _from_structured(structured, raw)
        if result:
            return result
    if not raw or not isinstance(raw, str):
        return None
    found = _parse_text(raw[:500])
    if found is None:
        return None
    low, high, currency, period_name, gross = found
    return {"min": low, "max": high, "currency": currency, "period": period_name, "gross": gross, "raw": raw}


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> tuple[Decimal, Decimal, str | None, str | None, bool | None] | None:
    """(min, max, currency, period, gross) of a salary statement; cached, as sites repeat them."""
    text = _JOINT_COMMITTEE.sub(" ", text)  # "barema PC 200": a joint committee, not an amount
    if _NO_NUMBER.search(text) and not re.search(r"\d", text):
        return None
    amounts = [m[0] for m in _AMOUNT.finditer(_LEADING.sub("", text)) if re.search(r"\d", m[0])]
    values: list[Decimal] = []
    for amount in amounts[:2] if len(amounts) > 1 else amounts:
        pieces = _RANGE_SPLIT.split(amount) if not re.search(r"\d\s+\d{3}", amount) else [amount]
        for piece in pieces:
            if (value := _amount(piece)) is not None:
                values.append(value)
    if not values:
        return None
    if len(values) >= 2 and re.search(r"\d\s*[kK]\b", text) and values[0] < 1000 <= values[1]:
        values[0] *= 1000  # "65-75k": the k belongs to both
    gross = True if _GROSS.search(text) else (False if _NET.search(text) else None)
    return min(values[:2]), max(values[:2]), _currency(text), period(text), gross


def _from_structured(structured: dict[str, Any], raw: str | None) -> dict[str, Any] | None:
    def dec(value: Any) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            return None
        return number if number > 0 else None

    low, high = dec(structured.get("min")), dec(structured.get("max"))
    if low is None and high is None:
        return None
    unit = str(structured.get("period") or "").casefold()
    period_map = {"hour": "hour", "hourly": "hour", "day": "day", "daily": "day", "week": None,
                  "month": "month", "monthly": "month", "year": "year", "yearly": "year",
                  "annual": "year", "annually": "year"}
    currency = structured.get("currency")
    return {
        "min": low or high, "max": high or low,
        "currency": currency.upper() if isinstance(currency, str) and len(currency) == 3 else None,
        "period": period_map.get(unit), "gross": None,
        "raw": raw if raw else None,
    }
