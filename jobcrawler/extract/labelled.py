"""Free "Label: value" lines that consultants write inside ad bodies ("Contract type: Freelance")."""

from __future__ import annotations

import re
from typing import Any

from jobcrawler.text import html_to_text

#: item field -> the labels that introduce it, in nl/fr/en/de.
LABELS: dict[str, tuple[str, ...]] = {
    "title": ("Job Title", "Job title", "Functie", "Functietitel", "Titre du poste",
              "Intitulé du poste", "Stellenbezeichnung", "Position"),
    "industry": ("Industry", "Sector", "Secteur", "Branche", "Industrie"),
    "location_raw": ("Location", "Locatie", "Plaats", "Standplaats", "Werkplaats", "Lieu",
                     "Localisation", "Lieu de travail", "Arbeitsort", "Standort", "Einsatzort"),
    "contract_raw": ("Contract type", "Contract Type", "Type contract", "Contract", "Type de contrat",
                     "Contrat", "Vertragsart", "Anstellungsart", "Employment type", "Job type",
                     "Type of contract", "Dienstverband"),
    "start_date_raw": ("Start date", "Start Date", "Startdatum", "Start", "Date de début", "Début",
                       "Starttermin", "Beginn", "Eintritt", "Aanvang"),
    "duration_raw": ("Length", "Duration", "Duur", "Looptijd", "Durée", "Dauer", "Projektdauer"),
    "salary_raw": ("Salary", "Rate", "Day rate", "Salaris", "Loon", "Verloning", "Salaire",
                   "Rémunération", "Gehalt", "Vergütung", "Tarif", "Tagessatz", "Compensation"),
    "hours_raw": ("Hours", "Working hours", "Uren", "Werkuren", "Uurrooster", "Horaire",
                  "Arbeitszeit", "Regime", "Régime"),
    "remote_raw": ("Remote", "Work model", "Werkmodel", "Télétravail", "Home office", "Thuiswerk"),
    "reference": ("Reference", "Ref", "Job ref", "Job Reference", "Référence", "Referentie",
                  "Vacaturenummer", "Referenz"),
}
_LABEL_TO_FIELD = {label.casefold(): name for name, labels in LABELS.items() for label in labels}
# A label is found by looking back from each colon (few per text), not by trying ~100 labels at
# every position of the text: linear and fast on long or hostile input.
_LABEL_BEFORE_COLON = re.compile(
    r"(" + "|".join(sorted((re.escape(lbl) for lbl in _LABEL_TO_FIELD), key=len, reverse=True))
    + r")[ \t]*\Z",
    re.IGNORECASE,
)
_COLON = re.compile(r":[ \t]*")
_LONGEST_LABEL = max(len(label) for label in _LABEL_TO_FIELD) + 4


class _Label:
    """Where one label starts and its value begins."""

    __slots__ = ("end", "name", "start")

    def __init__(self, name: str, start: int, end: int) -> None:
        self.name, self.start, self.end = name, start, end


def _labels(text: str, flattened: bool) -> list[_Label]:
    found = []
    for colon in _COLON.finditer(text):
        window_start = max(0, colon.start() - _LONGEST_LABEL)
        m = _LABEL_BEFORE_COLON.search(text, window_start, colon.start())
        if m and _starts_label(text, m.start(), m[1], flattened):
            found.append(_Label(m[1], m.start(), colon.end()))
    return found
# In text that lost its line breaks, a value ends where a capital follows a non-space directly
# ("Freelance 9 months+Role Overview", "Food ManufacturingLocation").
_RUN_ON = re.compile(r"(?<=[a-z0-9+)\].!?])(?=[A-Z][a-z])")
_MAX_VALUE = 200


def _starts_label(text: str, start: int, label: str, flattened: bool) -> bool:
    """A label starts a line or a new phrase, not the middle of a word ("Relocation:")."""
    if start == 0 or not text[start - 1].isalpha():
        return True
    # "ManagerIndustry:", "ASAPLength:": text whose line breaks were lost joins a value and the
    # next label
    return label[0].isupper() and (flattened or text[start - 1].islower())


def labelled_values(text: str | None) -> dict[str, str]:
    """The first value of each known label in ``text``.

    A value ends at the end of its line, or where the next known label starts (page text that
    lost its line breaks: "Industry: Food ManufacturingLocation: East Flanders").
    """
    if not text:
        return {}
    text = text[:100000]
    flattened = "\n" not in text.strip()
    found: dict[str, str] = {}
    matches = _labels(text, flattened)
    for i, match in enumerate(matches):
        field = _LABEL_TO_FIELD[match.name.casefold()]
        if field in found:
            continue
        end = matches[i + 1].start if i + 1 < len(matches) else len(text)
        value = text[match.end: end].split("\n", 1)[0]
        if flattened:
            value = _RUN_ON.split(value, 1)[0]
        value = value.strip(" \t-–•|")
        if value and len(value) <= _MAX_VALUE:
            found[field] = value
    return found


def description_fields(description_html: str | None) -> dict[str, Any]:
    """The item's raw fields that the "Label: value" lines of an ad's description (HTML) state,
    as the item holds them (``location_raw`` is a list)."""
    fields: dict[str, Any] = dict(labelled_values(html_to_text(description_html)))
    if "location_raw" in fields:
        fields["location_raw"] = [fields["location_raw"]]
    return fields
