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
    ("Bruto maandloon: €2.800 - €3.300", (D(2800), D(3300), "EUR", "month", True)),
    ("Entre 3 000 € et 3 600 € brut par mois", (D(3000), D(3600), "EUR", "month", True)),
    ("45.000 - 55.000 EUR per jaar", (D(45000), D(55000), "EUR", "year", None)),
    ("€50k - €60k per year", (D(50000), D(60000), "EUR", "year", None)),
    ("€ 15,50 per uur", (D("15.50"), D("15.50"), "EUR", "hour", None)),
    ("14,50 € brut de l'heure", (D("14.50"), D("14.50"), "EUR", "hour", True)),
    ("550 €/day", (D(550), D(550), "EUR", "day", None)),
    ("Tagessatz 600-700 EUR", (D(600), D(700), "EUR", "day", None)),
    ("€ 500 - € 650 per dag", (D(500), D(650), "EUR", "day", None)),
    ("4.000 € brut/mois", (D(4000), D(4000), "EUR", "month", True)),
    ("£35,000 per annum", (D(35000), D(35000), "GBP", "year", None)),
    ("3200 EUR", (D(3200), D(3200), "EUR", None, None)),
    ("€3,500 per month", (D(3500), D(3500), "EUR", "month", None)),
    ("Salaire : 2 600 € brut par mois", (D(2600), D(2600), "EUR", "month", True)),
    ("$80,000 - $90,000", (D(80000), D(90000), None, None, None)),
    ("CHF 7'500 pro Monat", (D(7500), D(7500), "CHF", "month", None)),
    ("Jusqu'à 5 000 € brut/mois", (D(5000), D(5000), "EUR", "month", True)),
    ("Vanaf € 3.000 bruto per maand", (D(3000), D(3000), "EUR", "month", True)),
    ("ab 4.200 EUR monatlich", (D(4200), D(4200), "EUR", "month", None)),
    ("65.000 EUR p.a.", (D(65000), D(65000), "EUR", "year", None)),
    ("Barema CP 200 + 2.800 € brut", (D(2800), D(2800), "EUR", None, True)),
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
                                 "Salaire attractif", "Wettbewerbsfähiges Gehalt", "", "n/a",
                                 "Te bespreken", "Attraktives Gehalt", "Salaire selon expérience",
                                 "Competitive salary + benefits", "DOE",
                                 "Loon volgens barema PC 200"])  # a joint committee, not an amount
def test_no_number_is_no_salary(raw):
    assert parse_salary(raw) is None


def test_structured_salary_wins():
    result = parse_salary("€650 - €750 per day",
                          {"min": 600, "max": 700, "currency": "EUR", "period": "DAY"})
    assert (result["min"], result["max"], result["period"]) == (D(600), D(700), "day")
