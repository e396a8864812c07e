"""Salary: ranges, European numbers, k, currency, period; Decimal amounts."""

from decimal import Decimal as D

import pytest

from jobcrawler.normalize.salary import parse_salary

CASES = [
    ("€ 4.500 - € 5.500 bruto per maand", (D(4500), D(5500), "EUR", "month", True)),
    ("65k-75k EUR per year", (D(65000), D(75000), "EUR", "year", None)),
    ("65-75k EUR", (D(65000), D(75000), "EUR", None, None)),
    ("Entre 40 000 et 50 000 € brut/an", (D(40000), D(50000), "EUR", "year", True)),
    ("€60-€70 per hour", (D(60), D(70), "EUR", "hour", None)),
    ("450 €/jour", (D(450), D(450), "EUR", "day", None)),
    ("€650 - €750 per day", (D(650), D(750), "EUR", "day", None)),
    ("€ 3.200,50 bruto/maand", (D("3200.50"), D("3200.50"), "EUR", "month", True)),
    ("3000 EUR / mois", (D(3000), D(3000), "EUR", "month", None)),
    ("Bruttojahresgehalt 55.000 - 65.000 EUR pro Jahr", (D(55000), D(65000), "EUR", "year", True)),
    ("Tussen 2.800 en 3.400 euro bruto per maand", (D(2800), D(3400), "EUR", "month", True)),
    ("£40,000 - £45,000 per annum", (D(40000), D(45000), "GBP", "year", None)),
    ("$100k", (D(100000), D(100000), None, None, None)),  # "$" alone names no currency
    ("Salary Range: is $210,530 to $210,530 per year", (D(210530), D(210530), None, "year", None)),
    ("2.500 € netto per maand", (D(2500), D(2500), "EUR", "month", False)),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_salary(raw, expected):
    result = parse_salary(raw)
    assert result is not None
    assert (result["min"], result["max"], result["currency"], result["period"],
            result["gross"]) == expected
    assert result["raw"] == raw
    assert isinstance(result["min"], D)


@pytest.mark.parametrize("raw", ["competitive", "Marktconform salaris", "Attractive package",
                                 "Salaire attractif", "Wettbewerbsfähiges Gehalt", "", "n/a"])
def test_no_number_is_no_salary(raw):
    assert parse_salary(raw) is None


def test_structured_salary_wins():
    result = parse_salary("€650 - €750 per day",
                          {"min": 600, "max": 700, "currency": "EUR", "period": "DAY"})
    assert (result["min"], result["max"], result["period"]) == (D(600), D(700), "day")
