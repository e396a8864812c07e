"""Salary: ranges, European numbers, k, currency, period; Decimal amounts."""

from decimal import Decimal as D

import pytest

from jobcrawler.normalize.salary import parse_salary, salary_in_text

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


# --- salary stated in a description: (text, country where the ad is placed, expected) --------
TEXT_CASES = [
    ("The salary range for this role is $110,000-$130,000 USD. This role is equity eligible.", "US",
     (D(110000), D(130000), "USD", "year")),
    ("We offer a salary range of £65,000-75,000 depending on experience.", "GB", (D(65000), D(75000), "GBP", "year")),
    ("a target base annual salary range of £ 30k-80k, plus bonus opportunity", "GB",
     (D(30000), D(80000), "GBP", "year")),
    ("Canadian Salary Range: $152,000- $190,000 CAD", "CA", (D(152000), D(190000), "CAD", "year")),
    ("The typical base pay range for this role across Canada is CAD $128,000 - CAD $222,400 per year.", "US",
     (D(128000), D(222400), "CAD", "year")),
    ("W2 - $70 - $75 p/h", "US", (D(70), D(75), "USD", "hour")),
    ("Rate: Up to £750/day (Inside IR35)", "GB", (D(750), D(750), "GBP", "day")),
    ("Een salaris tussen € 5.517,- en € 9.337,- bruto per maand (schaal 62)", "NL",
     (D(5517), D(9337), "EUR", "month")),
    ("Salaire : 45-55 K€ brut annuel.", "FR", (D(45000), D(55000), "EUR", "year")),
    ("Rémunération : Entre 33K€ et 40K€ brut annuel", "FR", (D(33000), D(40000), "EUR", "year")),
    ("Wir bieten ein Jahresbruttogehalt von € 65.000 bis € 80.000 abhängig von Erfahrung.", "DE",
     (D(65000), D(80000), "EUR", "year")),
    ("Lohn: CHF 95'000 – 110'000 pro Jahr", "CH", (D(95000), D(110000), "CHF", "year")),
    ("base pay range per year: 358,000 zł - 458,000 zł", "PL", (D(358000), D(458000), "PLN", "year")),
    ("The standard base pay range for this role is $137,100.00 - $218,900.00 annually.", "US",
     (D(137100), D(218900), "USD", "year")),
    ("Salary: US$90,000 - US$110,000", "SG", (D(90000), D(110000), "USD", "year")),
    # a bare "$" is the dollar of the country the ad is placed in; unknown where that is unknown
    ("Salary: $90,000 - $110,000 + super", "AU", (D(90000), D(110000), "AUD", "year")),
    ("Salary: $90,000 - $110,000", None, (D(90000), D(110000), None, "year")),
    ("Salary: $90,000 - $110,000", "DE", (D(90000), D(110000), None, "year")),
    # no number: company figures, benefits, bonuses, scales, "competitive"
    ("Founded in 2019. Base salary depends on experience.", "US", None),
    ("We process 150,000 - 230,000 events per second.", "US", None),
    ("$120 per month to spend on tickets to live events", "US", None),
    ("Domain experts are paid over $4 million per day.", "US", None),
    ("We offer a signing bonus of $10,000 - $20,000.", "US", None),
    ("Je wordt ingeschaald in schaal 11 van de CAO Rijk.", "NL", None),
    ("A competitive salary and a company car.", "BE", None),
    ("We raised $40M in our Series B round last year.", "US", None),
    ("Digital Solution Engineering IC5", "US", None),
]


@pytest.mark.parametrize(("text", "country", "expected"), TEXT_CASES, ids=[c[0][:40] for c in TEXT_CASES])
def test_salary_in_text(text, country, expected):
    found = salary_in_text(text, country)
    got = (found["min"], found["max"], found["currency"], found["period"]) if found else None
    assert got == expected
    if found:
        assert isinstance(found["min"], D) and found["raw"]


def test_salary_in_text_reads_the_first_pay_sentence_of_a_description():
    description = ("We move fast.\nWe raised $65M in our Series B.\n"
                   "The salary range for this role is £60,000 - £70,000.\nBonus: up to £10,000.")
    found = salary_in_text(description, "GB")
    assert (found["min"], found["max"], found["currency"]) == (D(60000), D(70000), "GBP")
    assert found["raw"] == "The salary range for this role is £60,000 - £70,000."


@pytest.mark.parametrize(("country", "currency"), [("US", "USD"), ("CA", "CAD"), ("BE", None), (None, None)])
def test_bare_dollar_in_a_salary_line_depends_on_the_country(country, currency):
    assert parse_salary("$80,000 - $90,000", country=country)["currency"] == currency


@pytest.mark.parametrize(("text", "expected"), [
    # found by the held-out batch (after its one measured run)
    ("The base salary range for this role is $120,000 - $150,000 USD plus equity.", (D(120000), D(150000))),
    ("Audio Design M5 - The typical base pay range for this role across the U.S. is USD $112,000 - $218,400 per "
     "year. There is a different range.", (D(112000), D(218400))),
])
def test_salary_in_text_held_out_misses(text, expected):
    found = salary_in_text(text, "US")
    assert (found["min"], found["max"], found["currency"], found["period"]) == (*expected, "USD", "year")
