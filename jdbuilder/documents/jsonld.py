"""Document -> schema.org JobPosting (what Google for Jobs reads)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.html import format_html, format_html_join

from jdbuilder.document import Document

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
    if document.equal_opportunity:
        parts.append(format_html("<p>{}</p>", document.equal_opportunity))
    if document.how_to_apply:
        parts.append(format_html("<p>{}</p>", document.how_to_apply))
    return "".join(str(part) for part in parts)


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


def job_posting(document: Document) -> dict[str, Any]:
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
        "skills": ", ".join(s.name for s in document.skills),
        "responsibilities": "; ".join(
            item for group in document.responsibilities for item in group.items
        ),
        "qualifications": "; ".join(s.sentence for s in document.required_skills),
    }
    if document.date_posted:
        posting["datePosted"] = document.date_posted.isoformat()
    if document.closing_date:
        posting["validThrough"] = f"{document.closing_date.isoformat()}T23:59:59"
    office_address = _office_address(document)
    if office_address:
        posting["jobLocation"] = {"@type": "Place", "address": office_address}
    elif document.location:
        posting["jobLocation"] = {"@type": "Place", "address": _address(document.location)}
    if document.is_remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        if document.applicant_location:
            posting["applicantLocationRequirements"] = {
                "@type": "Country",
                "name": document.applicant_location,
            }
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
    return posting


def render_jsonld(document: Document) -> str:
    """The JobPosting as a JSON file."""
    return json.dumps(job_posting(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def jsonld_script_body(document: Document) -> str:
    """JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(job_posting(document), ensure_ascii=False, sort_keys=True).translate(
        _SCRIPT_ESCAPES
    )


__all__ = ["job_posting", "render_jsonld", "jsonld_script_body", "description_html"]
