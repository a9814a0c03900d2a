"""Document -> schema.org JobPosting (what Google for Jobs reads).

The properties are the ones Google documents for JobPosting
(https://developers.google.com/search/docs/appearance/structured-data/job-posting), plus a few
schema.org ones other readers use (`url`, `skills`, `responsibilities`, `qualifications`,
`occupationalCategory`); tests/jdbuilder/documents/test_jsonld_posting.py holds both lists.
Choices made here:

- `skills` is a list of schema.org `DefinedTerm`s, one per skill, by name. A skill the catalog
  ties to an O*NET Content Model element (roles.models.Skill.onet_element_id, e.g. "2.B.3.e"
  for Programming) also has that id as its `termCode`, and `inDefinedTermSet` names the set the
  code belongs to: the O*NET Content Model, by the page that publishes it. A skill of our own
  with no O*NET counterpart is a DefinedTerm with a name only.
- `experienceRequirements` is always given: the months the JD states, else its seniority's
  default (vocabulary.Seniority.months_of_experience), which the description then states too,
  so the markup says nothing the page does not.
- `educationRequirements` only when the JD states one (Google: omit it when there is none).
- Where the job is: an on-site or hybrid posting has `jobLocation`, the office's structured
  address or else the location as written. A remote posting is `TELECOMMUTE` with
  `applicantLocationRequirements` (a Country, State or AdministrativeArea per place named),
  and `jobLocation` only when it names an office with a real address: Google reads both when
  the work may be done from home or from that office. A remote posting's free-text location is
  not an address and is left out.
- Nothing internal: no pay band, author, reviewer or note ever reaches the JobPosting.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import pycountry
from django.conf import settings
from django.utils.html import format_html, format_html_join

from jdbuilder.document import Document, Publication, SkillLine, education_text, experience_text
from jdbuilder.vocabulary import Seniority

ONET_CONTENT_MODEL = "https://www.onetcenter.org/content.html"
# Names people write for a country that ISO 3166 does not list (UK is GB's common name).
COUNTRY_ALIASES = {"uk": "GB", "u.k.": "GB", "u.s.": "US", "u.s.a.": "US", "america": "US"}
# What separates the places of "US, Canada" or "US; Canada" or "US / Canada".
_PLACE_SEPARATORS = re.compile(r"\s*[,;/|\n]\s*")
# Within one part, "and" / "or" / "&" also separate, unless the whole part is one place
# ("Bosnia and Herzegovina", "Trinidad and Tobago").
_WORD_SEPARATORS = re.compile(r"\s+(?:and|or|&)\s+", re.IGNORECASE)
MAX_APPLICANT_PLACES = 20

# The characters that could end a <script> element or open a comment, escaped as JSON allows.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def description_html(document: Document) -> str:
    """The posting's body as the simple HTML Google reads (p, ul, li, strong)."""
    parts = []
    if document.summary:
        parts.append(format_html("<p>{}</p>", document.summary))
    if document.about_company:
        parts.append(format_html("<p>{}</p>", document.about_company))
    if document.about_team:
        parts.append(format_html("<p>{}</p>", document.about_team))
    if document.responsibilities:
        parts.append(format_html("<p><strong>{}</strong></p>", "Responsibilities"))
        items = [item for group in document.responsibilities for item in group.items]
        parts.append(
            format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))
        )
    for heading, skills in (
        ("Required skills", document.required_skills),
        ("Nice to have", document.nice_to_have_skills),
    ):
        if skills:
            parts.append(format_html("<p><strong>{}</strong></p>", heading))
            parts.append(
                format_html(
                    "<ul>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((s.sentence,) for s in skills)),
                )
            )
    if document.benefits:
        parts.append(format_html("<p><strong>{}</strong></p>", "Benefits"))
        parts.append(
            format_html(
                "<ul>{}</ul>",
                format_html_join("", "<li>{}</li>", ((b,) for b in document.benefits)),
            )
        )
    parts.append(format_html("<p>{}</p>", requirements_sentence(document)))
    if document.equal_opportunity:
        parts.append(format_html("<p>{}</p>", document.equal_opportunity))
    if document.how_to_apply:
        parts.append(format_html("<p>{}</p>", document.how_to_apply))
    return "".join(str(part) for part in parts)


def months_of_experience(document: Document) -> int:
    """The months the JD states, else its seniority's default (mid-level when unknown)."""
    if document.months_of_experience is not None:
        return document.months_of_experience
    level = document.seniority if document.seniority in Seniority.values else Seniority.MID
    return Seniority(level).months_of_experience


def requirements_sentence(document: Document) -> str:
    """The experience (and education, when stated) the JobPosting claims, in words, for the
    description: Google asks that the markup say only what the page says."""
    months = months_of_experience(document)
    if months <= 0:
        sentence = "No prior experience required."
    else:
        sentence = f"At least {experience_text(months)} of experience."
    education = education_text(document.education_requirement)
    if education:
        sentence += f" Education: {education}."
    return sentence


def _address(location: str) -> dict[str, str]:
    """A location written "City", "City, Region" or "City, Region, Country", as a PostalAddress."""
    parts = [part.strip() for part in location.split(",") if part.strip()]
    address = {"@type": "PostalAddress", "addressLocality": parts[0] if parts else ""}
    if len(parts) == 2:
        address["addressRegion"] = parts[1]
    elif len(parts) > 2:
        # The last part is the country; whatever stands between is the region.
        address["addressRegion"] = ", ".join(parts[1:-1])
        address["addressCountry"] = parts[-1]
    return address


def _office_address(document: Document) -> dict[str, str] | None:
    """The office's structured address as a PostalAddress, when there is an office with one
    (a remote hub with no street or city has none: the posting says where applicants may be)."""
    office = document.office
    if office is None or office.remote_only:
        return None
    address = office.address
    if not (address.street_address or address.locality):
        return None
    fields = {
        "streetAddress": address.street_address,
        "addressLocality": address.locality,
        "addressRegion": address.region,
        "postalCode": address.postal_code,
        "addressCountry": address.country,
    }
    return {"@type": "PostalAddress", **{key: value for key, value in fields.items() if value}}


@lru_cache(maxsize=1024)
def _country_code(name: str) -> str:
    """The ISO 3166 alpha-2 code of a country written by name or code; "" if it is none."""
    folded = name.casefold()
    if folded in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[folded]
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return ""


@lru_cache(maxsize=1024)
def _subdivision(name: str, country: str = "") -> tuple[str, str] | None:
    """(schema.org type, name) of a country's subdivision written by name or code: "State"
    for a state, "AdministrativeArea" for another kind ("Ontario", "Bayern"); None when `name`
    is no subdivision (of `country`, when given) that ISO 3166-2 lists."""
    folded = name.casefold()
    if country:
        # By name ("Colorado") or by the code's last part ("CO" is US-CO).
        wanted = {folded, f"{country}-{name}".casefold()}
        subdivisions = pycountry.subdivisions.get(country_code=country) or ()
        sub = next(
            (s for s in subdivisions if {s.name.casefold(), s.code.casefold()} & wanted), None
        )
    else:
        try:
            sub = pycountry.subdivisions.lookup(name)
        except LookupError:
            sub = None
    if sub is None:
        return None
    return ("State" if sub.type == "State" else "AdministrativeArea"), sub.name


def _place(name: str, kind: str) -> dict[str, str]:
    return {"@type": kind, "name": name}


def _split_places(text: str) -> list[str]:
    places = []
    for part in _PLACE_SEPARATORS.split(text.strip()):
        if not part:
            continue
        whole_is_place = _country_code(part) or _subdivision(part)
        if whole_is_place or not _WORD_SEPARATORS.search(part):
            places.append(part)
        else:
            places.extend(word for word in _WORD_SEPARATORS.split(part) if word)
    return places[:MAX_APPLICANT_PLACES]


def applicant_locations(text: str) -> list[dict[str, str]]:
    """Where remote applicants may live, as schema.org places: each place named is a Country,
    a State or (any other region, or a name we do not know) an AdministrativeArea. A region
    followed by its own country ("Colorado, United States", "TX, US") is that one region,
    named in full with the country as written, which keeps "Georgia, US" from the country."""
    names = _split_places(text)
    places: list[dict[str, str]] = []
    index = 0
    while index < len(names):
        name = names[index]
        following = names[index + 1] if index + 1 < len(names) else ""
        country = _country_code(following) if following else ""
        within = _subdivision(name, country) if country else None
        if within:
            kind, full_name = within
            places.append(_place(f"{full_name}, {following}", kind))
            index += 2
            continue
        if _country_code(name):
            places.append(_place(name, "Country"))
        else:
            sub = _subdivision(name)
            places.append(_place(sub[1] if sub else name, sub[0] if sub else "AdministrativeArea"))
        index += 1
    return places


def _hiring_organization(document: Document) -> dict[str, Any]:
    """Name, sameAs (the website) and the logo's absolute URL, where public: the logo is served
    without sign-in (organization:logo), so it is given whenever the site's URL is known."""
    organization: dict[str, Any] = {"@type": "Organization", "name": document.company_name}
    if document.company_website:
        organization["sameAs"] = document.company_website
    branding = document.branding
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    path = branding.logo_path if branding and branding.logo else ""
    if site and path.startswith("/") and not path.startswith("//"):
        organization["logo"] = f"{site}{path}"
    return organization


def _defined_term(skill: SkillLine) -> dict[str, str]:
    term = {"@type": "DefinedTerm", "name": skill.name}
    if skill.onet_element_id:
        term["termCode"] = skill.onet_element_id
        term["inDefinedTermSet"] = ONET_CONTENT_MODEL
    return term


def _location(document: Document) -> dict[str, Any]:
    """jobLocation, jobLocationType and applicantLocationRequirements (see the module's notes)."""
    located: dict[str, Any] = {}
    office_address = _office_address(document)
    if office_address:
        located["jobLocation"] = {"@type": "Place", "address": office_address}
    elif document.location.strip() and not document.is_remote:
        located["jobLocation"] = {"@type": "Place", "address": _address(document.location)}
    if document.is_remote:
        located["jobLocationType"] = "TELECOMMUTE"
        places = applicant_locations(document.applicant_location)
        if places:
            located["applicantLocationRequirements"] = places[0] if len(places) == 1 else places
    return located


def job_posting(document: Document, *, publication: Publication | None = None) -> dict[str, Any]:
    """The JobPosting of `document`; with `publication` (the careers page's), as published
    there: its URL, identifier, date posted, closing date and whether applying happens there."""
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": document.title,
        "description": description_html(document),
        "hiringOrganization": _hiring_organization(document),
        "identifier": {
            "@type": "PropertyValue",
            "name": document.company_name,
            "value": f"{document.public_id}-r{document.revision}",
        },
        "employmentType": document.employment_type,
        "skills": [_defined_term(skill) for skill in document.skills],
        "responsibilities": "; ".join(
            item for group in document.responsibilities for item in group.items
        ),
        "qualifications": "; ".join(s.sentence for s in document.required_skills),
        "experienceRequirements": {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": months_of_experience(document),
        },
        **_location(document),
    }
    education = document.education_requirement
    if education_text(education):
        posting["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": education,
        }
    if document.date_posted:
        posting["datePosted"] = document.date_posted.isoformat()
    if document.closing_date:
        posting["validThrough"] = f"{document.closing_date.isoformat()}T23:59:59"
    if document.compensation:
        posting["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": document.compensation.currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": float(document.compensation.minimum),
                "maxValue": float(document.compensation.maximum),
                "unitText": document.compensation.period,
            },
        }
    if document.onet_code:
        posting["occupationalCategory"] = document.onet_code
    if publication is not None:
        # The careers page's facts replace the revision's: its address, its stable id, the
        # day it was first posted and the closing date it was published with.
        posting["url"] = publication.url
        posting["identifier"]["value"] = publication.identifier
        posting["datePosted"] = publication.date_posted.isoformat()
        posting.pop("validThrough", None)
        if publication.valid_through:
            posting["validThrough"] = f"{publication.valid_through.isoformat()}T23:59:59"
        posting["directApply"] = publication.direct_apply
    return {key: value for key, value in posting.items() if value not in ("", [])}


def render_jsonld(document: Document) -> str:
    """The JobPosting as a JSON file."""
    return json.dumps(job_posting(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def script_json(data: dict[str, Any]) -> str:
    """`data` as JSON safe to place inside <script type="application/ld+json">: no <, > or &
    is left to end the element or open a comment."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES)


def jsonld_script_body(document: Document) -> str:
    """The document's JobPosting, safe to place inside <script type="application/ld+json">."""
    return script_json(job_posting(document))


__all__ = [
    "script_json",
    "applicant_locations",
    "description_html",
    "job_posting",
    "jsonld_script_body",
    "months_of_experience",
    "render_jsonld",
    "requirements_sentence",
]
