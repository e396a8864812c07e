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

from jobcrawler.normalize.scan import KeywordSentences

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
                        r"brut\s+annuel|pro\s+jahr|/\s*jahr|j[äa]hrlich|jahres\w*gehalt|a\s+year)(?=\W|$)",
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


def parse_salary(raw: str | None, structured: dict[str, Any] | None = None,
                 country: str | None = None) -> dict[str, Any] | None:
    """``{min, max, currency, period, gross, raw}`` with Decimal amounts, or None without a number.

    ``structured`` (platform fields or schema.org ``baseSalary`` already flattened to
    ``min``/``max``/``currency``/``period``) wins over the text where it has numbers. ``country``
    is where the ad is placed: a bare "$" is that country's dollar (USD in the US), else unknown.
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
    if currency is None and "$" in raw:
        currency = _DOLLAR_COUNTRIES.get(country or "")
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


# --- salary stated in the description ----------------------------------------------------------
# A currency: a code, a symbol, a code before "$" ("CAD $128,000", "USD $112,000") or a prefixed
# dollar ("US$", "CA$", "A$"). A bare "$" is resolved by the country where the ad is placed.
_CURRENCY_TOKEN = (r"(?:(?:USD|CAD|AUD|NZD|SGD|HKD)\s*\$|US\$|CA?\$|AU?\$|NZ\$|S\$|HK\$|\$|£|€|"
                   r"\b(?:USD|EUR|GBP|CHF|CAD|AUD|NZD|SGD|HKD|PLN|SEK|NOK|DKK|INR|JPY|CZK|HUF|RON)\b|zł|"
                   r"\beuros?\b|\bFr\.)")
_NUMBER = (r"(?<![\w.,])\d{1,3}(?:[.,'’\u202f\u00a0 ]\d{3})+(?:[.,]\d{1,2})?(?:,-)?|"
           r"(?<![\w.,])\d+(?:[.,]\d{1,2})?(?:,-)?")
_CUR = rf"\(?{_CURRENCY_TOKEN}\)?"
_K = r"(?:\s?[kK](?![a-zA-Z]))"
_MONEY = re.compile(
    rf"(?:(?P<c1>{_CUR})\s*)?(?P<a>{_NUMBER})(?P<k1>{_K})?\s*(?P<c2>{_CUR})?"
    rf"(?:\s*(?:-|–|—|~|\bto\b|\btot\b|\bà\b|\ba\b|\bbis\b|\band\b|\ben\b|\bet\b|\bund\b)\s*"
    rf"(?:(?P<c3>{_CUR})\s*)?(?P<b>{_NUMBER})(?P<k2>{_K})?\s*(?P<c4>{_CUR})?)?"
    r"(?!\s*(?:%|million|mio|billion|bn\b|m\b|mn\b|years?\b|jaar\b|ans?\b|jahre?\b))",
    re.IGNORECASE)
# Words that make a sentence a statement of pay; a period right after the amount ("£550/day",
# "$70 p/h") is one too. Benefits, bonuses and equity have their own words and are not pay.
_PAY_WORDS = re.compile(
    r"\b(?:salary|salaries|base\s+pay|pay\s+(?:range|rate|band|scale)|pay(?:ing)?\b|wage|compensation|"
    r"remuneration|rate|day\s+rate|ote|salaris|loon|maandloon|jaarloon|bruto|brutto|brut|salaire|"
    r"r[ée]mun[ée]ration|r[ée]tribution|gehalt\w*|\w*gehalt|verg[üu]tung|lohn|tarief|tjm|tagessatz|"
    r"per\s+annum|p\.?a\.?)\b", re.IGNORECASE)
_ATTACHED_PERIOD = re.compile(r"^\s*(?:/\s*(?:h|hr|hour|day|d|jour|dag|tag|uur|std|yr|year)\b|p/?h\b|p/?d\b|"
                              r"per\s+(?:hour|day|annum|year|uur|dag|jour|stunde|tag)\b|an\s+hour\b|"
                              r"de\s+l'heure|annually\b)", re.IGNORECASE)
_NOT_PAY = re.compile(r"\b(?:bonus|stipend|allowance|reimbursement|equity|stock|401\s?\(?k\)?|raised|funding|"
                      r"revenue|quota|arr|book\s+of\s+business|deals?|savings?|budget|spend|tickets?|"
                      r"vergoeding|prime|pr[äa]mie|zuschuss)\b", re.IGNORECASE)
# "$10,000 signing bonus" is a bonus; "$150,000 plus equity" is pay beside equity.
_BENEFIT_AFTER = re.compile(r"\s*(?:(?!(?:plus|and|with|or|en|et|und|mit|avec|met)\b)[a-z-]+\s+)?" + _NOT_PAY.pattern,
                            re.IGNORECASE)
_DOLLAR_COUNTRIES = {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD"}
_CURRENCY_CODES = {"£": "GBP", "€": "EUR", "zł": "PLN", "us$": "USD", "ca$": "CAD", "c$": "CAD", "a$": "AUD",
                   "au$": "AUD", "nz$": "NZD", "s$": "SGD", "hk$": "HKD", "euro": "EUR", "euros": "EUR",
                   "fr.": "CHF"}
_YEARLY_WORDS = re.compile(r"\b(?:salary|salaris|salaire|gehalt|pay\s+range|base\s+pay|compensation)\b",
                           re.IGNORECASE)
# The key words that pick the sentences to read: every currency sign and code (lower case).
_MONEY_SENTENCES = KeywordSentences(("£", "€", "$", "zł", "usd", "eur", "gbp", "chf", "cad", "aud", "nzd",
                                     "sgd", "hkd", "pln", "sek", "nok", "dkk", "inr", "jpy", "czk", "huf",
                                     "ron", "fr."))


def _token_currency(token: str | None, country: str | None) -> str | None:
    if not token:
        return None
    token = token.strip("() ").casefold().replace(" ", "")
    if token.endswith("$") and len(token) > 1 and token[:-1].upper() in _DOLLAR_COUNTRIES.values():
        return token[:-1].upper()  # "CAD $"
    if token == "$":
        return _DOLLAR_COUNTRIES.get(country or "")
    return _CURRENCY_CODES.get(token) or (token.upper() if re.fullmatch(r"[a-z]{3}", token) else None)


def _number_value(text: str, k: str | None) -> Decimal | None:
    text = text.removesuffix(",-")
    whole = re.fullmatch(r"(\d{1,3}(?:[.,'’\u202f\u00a0 ]\d{3})+)(?:[.,](\d{1,2}))?", text)
    digits = re.sub(r"\D", "", whole[1]) + (f".{whole[2]}" if whole[2] else "") if whole else text.replace(",", ".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value * 1000 if k else value


def salary_in_text(text: str | None, country: str | None = None) -> dict[str, Any] | None:
    """The salary a description states, ``{min, max, currency, period, gross, raw}``; None when it
    states none.

    Only a sentence about pay counts (a pay word, or a period right after the amount), and in it
    the first amount with a currency: "salary range of £65,000-75,000", "€ 5.517,- en € 9.337,-
    bruto per maand", "W2 - $70 - $75 p/h". A bare "$" is the dollar of the country the ad is
    placed in (USD in the US), unknown elsewhere. Bonuses, stipends and equity are not pay; pay
    scales, "competitive" and company figures ("$4 million", "150,000 events") give nothing.
    """
    if not text:
        return None
    for sentence in _MONEY_SENTENCES(text[:20000], limit=400):
        if (found := _salary_in_sentence(sentence, country)) is not None:
            return found
    return None


@lru_cache(maxsize=4096)
def _salary_in_sentence(sentence: str, country: str | None) -> dict[str, Any] | None:
    pay_word = _PAY_WORDS.search(sentence)
    for m in _MONEY.finditer(sentence):
        tokens = [m["c1"], m["c2"], m["c3"], m["c4"]]
        if not any(tokens):
            continue
        after = sentence[m.end():m.end() + 25]
        if not pay_word and not _ATTACHED_PERIOD.match(after):
            continue
        if _NOT_PAY.search(sentence[max(0, m.start() - 30):m.end() + 25]) and not pay_word:
            continue
        if _BENEFIT_AFTER.match(after):
            continue  # "$10,000 signing bonus"
        low = _number_value(m["a"], m["k1"] or (m["k2"] if m["b"] else None))
        high = _number_value(m["b"], m["k2"]) if m["b"] else low
        if low is None or high is None or low <= 0:
            continue
        if m["b"] and not m["k1"] and m["k2"] and low < 1000 <= high:
            low *= 1000  # "45-55 K€"
        currencies = [c for t in tokens if (c := _token_currency(t, country))]
        codes = [t for t in tokens if t and re.search(r"[A-Za-z]{3}", t)]
        currency = (_token_currency(codes[-1], country) if codes else None) or (currencies[0] if currencies else None)
        statement = sentence[max(0, m.start() - 60): m.end() + 40]
        period_name = period(sentence[m.start():]) or period(statement)
        if period_name is None and low >= 10000 and _YEARLY_WORDS.search(sentence):
            period_name = "year"  # "a salary range of £65,000-75,000": yearly pay
        gross = True if _GROSS.search(sentence) else (False if _NET.search(sentence) else None)
        return {"min": min(low, high), "max": max(low, high), "currency": currency,
                "period": period_name, "gross": gross, "raw": sentence.strip()}
    return None
