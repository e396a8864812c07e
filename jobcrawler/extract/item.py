"""The last step of extraction, on the item a spider yields: what its structured data left out.

A spider fills an item from what the site structures (JSON-LD, a platform's JSON, a page's
elements). Consultants often write the rest into the ad's body as "Label: value" lines
("Contract type: Freelance 9 months+"), and an agency's JSON-LD often names the agency itself as
the hiring organisation. :func:`complete_item` reads the first and undoes the second; the
``ExtractPipeline`` runs it on every ad, first of the item pipelines, and ``scrapy parse`` on the
items it prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobcrawler.extract.labelled import description_fields
from jobcrawler.text import fold

if TYPE_CHECKING:
    from collections.abc import MutableMapping

#: Values that say nothing: a labelled line may fill them.
EMPTY: tuple[Any, ...] = (None, "", [])


def names_itself(employer: str | None, agency: str | None) -> bool:
    """True when the employer an ad names is its agency (folded: case, accents, punctuation)."""
    return bool(agency and employer and fold(agency) == fold(employer))


def complete_item(item: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """``item`` (a mapping, e.g. an ``ItemAdapter``) with the raw fields its structured data left
    empty filled from its description's "Label: value" lines (structured values win), and with no
    employer when the one named is the agency itself (the client is then unknown)."""
    for name, value in description_fields(item.get("description_html")).items():
        if item.get(name) in EMPTY:
            item[name] = value
    if names_itself(item.get("employer"), item.get("agency")):
        item["employer"] = None
    return item
