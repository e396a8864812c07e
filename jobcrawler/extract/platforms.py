"""Field mappings of the hosted ATS platforms: one pure function per platform, JSON in, raw fields out.

Each returns the item's raw fields (see :class:`jobcrawler.items.JobPosting`) and puts what the
platform states in a structured way (ISO country, employment type code, remote flags, salary
numbers) into the structured raw fields, so the normalisers prefer them over free text. A posting
without an id or a title gives ``{}``: the spider drops it and counts it.
"""

from __future__ import annotations

import html
from typing import Any

from jobcrawler.extract.jsonld import text_of


def dig(data: Any, *path: str | int) -> Any:
    """``data[p0][p1]...`` or None where any step is missing or of the wrong type."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or not -len(data) <= key < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[key] if isinstance(key, int) else data.get(key)
    return data


def _text(value: Any) -> str | None:
    return text_of(value)


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        values = [values]
    return [t for v in values if (t := _text(v))]


def _html_sections(*sections: tuple[str | None, Any]) -> str | None:
    """Titled HTML sections joined into one description."""
    parts = []
    for title, body in sections:
        if isinstance(body, str) and body.strip():
            parts.append((f"<h3>{html.escape(title)}</h3>" if title else "") + body)
    return "\n".join(parts) or None


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    if not fields.get("source_id") or not fields.get("title"):
        return {}
    fields["source_id"] = str(fields["source_id"])
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def greenhouse(job: dict[str, Any]) -> dict[str, Any]:
    """A job of ``boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true``.

    Checked against a real board (Stripe, ``../shared/real-world/greenhouse``) and Greenhouse's
    Job Board API: the posting date is ``first_published`` (``updated_at`` changes with every edit
    and is no posting date); ``content`` is HTML escaped once more; an office's ``name`` is an
    internal grouping ("Ireland Locations", "US"), so only its ``location`` is a place; the
    employer's "Employment Type" metadata is a custom field (the ad's contract statement); with
    ``pay_transparency=true`` a job carries ``pay_input_ranges`` in cents.
    """
    locations = _strings(dig(job, "location", "name"))
    for office in job.get("offices") or []:
        locations += _strings(dig(office, "location"))
    metadata = {(_text(m.get("name")) or "").casefold(): m.get("value")
                for m in job.get("metadata") or [] if isinstance(m, dict)}
    employment = next((_text(v) for k, v in metadata.items()
                       if "employment" in k or "contract" in k or "job type" in k), None)
    content = job.get("content") if isinstance(job.get("content"), str) else None
    if content and "&lt;" in content:
        content = html.unescape(content)
    pay = next((r for r in job.get("pay_input_ranges") or [] if isinstance(r, dict)), None)
    return _clean({
        "source_id": job.get("id"),
        "title": _text(job.get("title")),
        "url": _text(job.get("absolute_url")),
        "employer": _text(job.get("company_name")),
        "reference": _text(job.get("requisition_id")),
        "date_posted_raw": _text(job.get("first_published")),
        "valid_through_raw": _text(job.get("application_deadline")),
        "location_raw": list(dict.fromkeys(locations)),
        "contract_raw": employment,
        "salary_structured": {"min": _cents(pay.get("min_cents")), "max": _cents(pay.get("max_cents")),
                              "currency": pay.get("currency_type"), "period": "year"} if pay else None,
        "description_html": content,
        "language_hint": _text(job.get("language")),
    })


def _cents(value: Any) -> str | None:
    return f"{int(value) / 100:.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else None


def lever(posting: dict[str, Any]) -> dict[str, Any]:
    """A posting of ``api.lever.co/v0/postings/{site}?mode=json`` (``lists[]`` kept)."""
    categories = posting.get("categories") if isinstance(posting.get("categories"), dict) else {}
    locations = _strings(categories.get("allLocations")) or _strings(categories.get("location"))
    lists = [(_text(item.get("text")), item.get("content"))
             for item in posting.get("lists") or [] if isinstance(item, dict)]
    lists = [(title, f"<ul>{body}</ul>" if isinstance(body, str) and "<li" in body
              and "<ul" not in body else body) for title, body in lists]
    salary = posting.get("salaryRange") if isinstance(posting.get("salaryRange"), dict) else None
    country = _text(posting.get("country"))
    return _clean({
        "source_id": posting.get("id"),
        "title": _text(posting.get("text")),
        "url": _text(posting.get("hostedUrl")),
        "apply_url": _text(posting.get("applyUrl")),
        "date_posted_raw": _text(posting.get("createdAt")),
        "location_raw": locations,
        "address_raw": [{"addressCountry": country}] if country else [],
        "contract_raw": _text(categories.get("commitment")),
        "remote_raw": _text(posting.get("workplaceType")),
        "salary_structured": {"min": salary.get("min"), "max": salary.get("max"),
                              "currency": salary.get("currency"),
                              "period": _LEVER_INTERVALS.get(str(salary.get("interval")))}
        if salary else None,
        "description_html": _html_sections(
            (None, posting.get("description") or posting.get("descriptionBody")),
            *lists, (None, posting.get("additional")), (None, posting.get("salaryDescription"))),
    })


_LEVER_INTERVALS = {"per-hour-wage": "hour", "per-day-wage": "day", "per-month-salary": "month",
                    "per-year-salary": "year", "one-time": None}


def recruitee(offer: dict[str, Any]) -> dict[str, Any]:
    """An offer of ``{slug}.recruitee.com/api/offers``."""
    addresses = []
    for loc in offer.get("locations") or []:
        if isinstance(loc, dict):
            addresses.append({"addressLocality": _text(loc.get("city")),
                              "postalCode": _text(loc.get("postal_code")),
                              "addressRegion": _text(loc.get("state")),
                              "addressCountry": _text(loc.get("country_code"))
                              or _text(loc.get("country"))})
    addresses = [{k: v for k, v in a.items() if v} for a in addresses]
    if not addresses and (city := _text(offer.get("city"))):
        addresses = [{"addressLocality": city, "addressCountry": _text(offer.get("country_code"))}]
    salary = offer.get("salary") if isinstance(offer.get("salary"), dict) else None
    flags = [name for name in ("remote", "hybrid", "on_site") if offer.get(name) is True]
    hours = offer.get("max_hours_per_week") or offer.get("max_hours")
    translations = offer.get("translations") if isinstance(offer.get("translations"), dict) else {}
    translation = next(iter(translations.values()), None) if translations else None
    return _clean({
        "source_id": offer.get("id"),
        "title": _text(offer.get("title")),
        "url": _text(offer.get("careers_url")),
        "apply_url": _text(offer.get("careers_apply_url")),
        "employer": _text(offer.get("company_name")),
        "date_posted_raw": _text(offer.get("published_at")) or _text(offer.get("created_at")),
        "valid_through_raw": _text(offer.get("close_at")),
        "address_raw": addresses,
        "location_raw": [] if addresses else _strings(offer.get("location")),
        "employment_type_raw": (_text(offer.get("employment_type_code")) or "").replace("_", " ")
        or None,
        "remote_raw": flags[0] if len(flags) == 1 else ("hybrid" if "hybrid" in flags else None),
        "hours_raw": f"{hours} hours per week" if hours else None,
        "salary_structured": {k: salary.get(k) for k in ("min", "max", "currency", "period")}
        if salary else None,
        "description_html": _html_sections((None, offer.get("description") or dig(translation, "description")),
                                           (None, offer.get("requirements") or dig(translation, "requirements"))),
    })


def ashby(job: dict[str, Any]) -> dict[str, Any]:
    """A job of ``api.ashbyhq.com/posting-api/job-board/{name}?includeCompensation=true``."""
    locations = _strings(job.get("location"))
    addresses = []
    main = dig(job, "address", "postalAddress")
    if isinstance(main, dict):
        addresses.append({k: _text(main.get(k)) for k in
                          ("addressLocality", "addressRegion", "addressCountry") if _text(main.get(k))})
    for extra in job.get("secondaryLocations") or []:
        if isinstance(extra, dict):
            locations += _strings(extra.get("location"))
    salary = None
    for tier in dig(job, "compensation", "compensationTiers") or []:
        for component in dig(tier, "components") or []:
            if isinstance(component, dict) and component.get("compensationType") == "Salary":
                salary = {"min": component.get("minValue"), "max": component.get("maxValue"),
                          "currency": component.get("currencyCode"),
                          "period": _ASHBY_INTERVALS.get(str(component.get("interval")))}
                break
        if salary:
            break
    return _clean({
        "source_id": job.get("id"),
        "title": _text(job.get("title")),
        "url": _text(job.get("jobUrl")),
        "apply_url": _text(job.get("applyUrl")),
        "date_posted_raw": _text(job.get("publishedAt")),
        "location_raw": list(dict.fromkeys(locations)),
        "address_raw": [a for a in addresses if a],
        "employment_type_raw": _ASHBY_TYPES.get(str(job.get("employmentType")),
                                                _text(job.get("employmentType"))),
        "remote_raw": _ASHBY_WORKPLACE.get(str(job.get("workplaceType")))
        or ("remote" if job.get("isRemote") is True else None),
        "salary_structured": salary,
        "description_html": _text(job.get("descriptionHtml")),
    })


_ASHBY_TYPES = {"FullTime": "full time", "PartTime": "part time", "Intern": "internship",
                "Contract": "contractor", "Temporary": "temporary"}
_ASHBY_WORKPLACE = {"OnSite": "on_site", "Remote": "remote", "Hybrid": "hybrid"}
_ASHBY_INTERVALS = {"1 HOUR": "hour", "1 DAY": "day", "1 MONTH": "month", "1 YEAR": "year"}


def smartrecruiters(posting: dict[str, Any], detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """A posting of ``api.smartrecruiters.com/v1/companies/{id}/postings`` and its detail."""
    detail = detail or {}
    location = posting.get("location") if isinstance(posting.get("location"), dict) else {}
    country = (_text(location.get("country")) or "").upper() or None
    address = {"addressLocality": _text(location.get("city")),
               "addressRegion": _text(location.get("region")), "addressCountry": country}
    sections = dig(detail, "jobAd", "sections") or {}
    body = _html_sections(*[(_text(dig(sections, key, "title")), dig(sections, key, "text"))
                            for key in ("companyDescription", "jobDescription", "qualifications",
                                        "additionalInformation")])
    remote = ("remote" if location.get("remote") is True
              else "hybrid" if location.get("hybrid") is True else None)
    company = _text(dig(posting, "company", "identifier"))
    return _clean({
        "source_id": posting.get("id"),
        "title": _text(posting.get("name")),
        "url": _text(detail.get("postingUrl")) or (
            f"https://jobs.smartrecruiters.com/{company}/{posting.get('id')}" if company else None),
        "apply_url": _text(detail.get("applyUrl")),
        "employer": _text(dig(posting, "company", "name")),
        "reference": _text(posting.get("refNumber")),
        "industry": _text(dig(posting, "industry", "label")),
        "date_posted_raw": _text(posting.get("releasedDate")),
        "address_raw": [{k: v for k, v in address.items() if v}],
        "location_raw": [] if location.get("city") else _strings(location.get("fullLocation")),
        "employment_type_raw": _text(dig(posting, "typeOfEmployment", "id"))
        or _text(dig(posting, "typeOfEmployment", "label")),
        "remote_raw": remote,
        "language_hint": (_text(dig(posting, "language", "code")) or "")[:2] or None,
        "description_html": body,
    })


def workday(summary: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """A Workday job: the list entry (``/wday/cxs/.../jobs``) and its detail ``jobPostingInfo``."""
    info = detail.get("jobPostingInfo") if isinstance(detail.get("jobPostingInfo"), dict) else {}
    locations = _strings(info.get("location")) + _strings(info.get("additionalLocations"))
    country = (_text(dig(info, "jobRequisitionLocation", "country", "alpha2Code"))
               or _text(dig(info, "country", "descriptor")))
    return _clean({
        "source_id": _text(info.get("jobReqId")) or _text(info.get("id"))
        or _text(dig(summary, "bulletFields", 0)),
        "title": _text(info.get("title")) or _text(summary.get("title")),
        "url": _text(info.get("externalUrl")),
        "employer": _text(dig(detail, "hiringOrganization", "name")),
        "reference": _text(info.get("jobReqId")),
        "date_posted_raw": _text(info.get("startDate")) or _text(info.get("postedOn"))
        or _text(summary.get("postedOn")),
        "valid_through_raw": _text(info.get("endDate")),
        "location_raw": locations or _strings(summary.get("locationsText")),
        "address_raw": [{"addressCountry": country}] if country else [],
        "employment_type_raw": _text(info.get("timeType")),
        "remote_raw": _text(info.get("remoteType")),
        "description_html": _text(info.get("jobDescription")),
    })


def personio(position: dict[str, Any], host: str) -> dict[str, Any]:
    """A ``<position>`` of ``{company}.jobs.personio.de/xml`` (already read into a dict)."""
    offices = _strings(position.get("office")) + _strings(position.get("additionalOffices"))
    sections = [(d.get("name"), d.get("value")) for d in position.get("jobDescriptions") or []]
    job_id = _text(position.get("id"))
    return _clean({
        "source_id": job_id,
        "title": _text(position.get("name")),
        "url": f"{host}/job/{job_id}" if job_id else None,
        "employer": _text(position.get("subcompany")),
        "date_posted_raw": _text(position.get("createdAt")),
        "location_raw": list(dict.fromkeys(offices)),
        "employment_type_raw": " ".join(_strings([position.get("employmentType"),
                                                  position.get("schedule")])) or None,
        "hours_raw": _text(position.get("schedule")),
        "description_html": _html_sections(*sections),
    })


def teamtailor(item: dict[str, Any]) -> dict[str, Any]:
    """An ``<item>`` of ``{slug}.teamtailor.com/jobs.rss`` (already read into a dict)."""
    locations = []
    for loc in item.get("locations") or []:
        parts = [loc.get("city"), loc.get("country")] if loc.get("city") else [loc.get("name"),
                                                                                 loc.get("country")]
        if text := ", ".join(p for p in parts if p):
            locations.append(text)
    link = _text(item.get("link"))
    guid = _text(item.get("guid"))
    return _clean({
        "source_id": guid or link,
        "title": _text(item.get("title")),
        "url": link,
        "date_posted_raw": _text(item.get("pubDate")),
        "location_raw": list(dict.fromkeys(locations)),
        "remote_raw": _TEAMTAILOR_REMOTE.get((_text(item.get("remoteStatus")) or "").casefold()),
        "description_html": _text(item.get("description")),
    })


_TEAMTAILOR_REMOTE = {"none": "on_site", "hybrid": "hybrid", "fully": "remote",
                      "temporary": "hybrid", "remote": "remote"}


def eures(jv: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    """A job vacancy of EURES's public search (``POST europa.eu/eures/api/jv-searchengine/public/
    jv-search/search``): the public employment services' ads (VDAB, Le Forem, Actiris, ADEM...).

    ``locationMap`` maps a country to NUTS region codes (``{"BE": ["BE211"]}``), read by
    :mod:`jobcrawler.normalize.nuts`; ``creationDate`` is epoch milliseconds;
    ``positionOfferingCode`` and ``positionScheduleCodes`` are the HR-Open codes of the contract
    and the working time; ``translations`` hold the ad in other languages.
    """
    translations = jv.get("translations") if isinstance(jv.get("translations"), dict) else {}
    translated = translations.get(language) if language else None
    translated = translated if isinstance(translated, dict) else {}
    codes: list[str] = []
    location_map = jv.get("locationMap") if isinstance(jv.get("locationMap"), dict) else {}
    for country, regions in location_map.items():
        regions = [r for r in regions if isinstance(r, str) and r.strip()] if isinstance(regions, list) else []
        codes += regions or ([country] if isinstance(country, str) else [])
    schedule = [_EURES_SCHEDULE.get(str(c).casefold(), str(c)) for c in jv.get("positionScheduleCodes") or []]
    offering = _text(jv.get("positionOfferingCode"))
    employment = " ".join(filter(None, [_EURES_OFFERING.get((offering or "").casefold(), offering),
                                        " or ".join(filter(None, schedule))]))  # "part time or full time": either
    jv_id = _text(jv.get("id"))
    return _clean({
        "source_id": jv_id,
        "title": _text(translated.get("title")) or _text(jv.get("title")),
        "url": f"https://europa.eu/eures/portal/jv-se/jv-details/{jv_id}?lang={language or 'en'}" if jv_id else None,
        "employer": _text(dig(jv, "employer", "name")),
        "date_posted_raw": _text(jv.get("creationDate")),
        "nuts_raw": list(dict.fromkeys(codes)),
        "employment_type_raw": employment or None,
        "description_html": _text(translated.get("description")) or _text(jv.get("description")),
        "language_hint": next((lang for lang in jv.get("availableLanguages") or [] if isinstance(lang, str)), None),
    })


# HR-Open position offering codes as EURES sends them, in words the contract rules read.
_EURES_OFFERING = {"directhire": "permanent", "contract": "fixed term", "contracttohire": "fixed term",
                   "temporary": "temporary", "temporarytohire": "temporary", "seasonal": "fixed term",
                   "internship": "internship", "apprenticeship": "apprenticeship", "selfemployed": "freelance",
                   "volunteer": "other"}
_EURES_SCHEDULE = {"fulltime": "full time", "parttime": "part time", "flextime": ""}
