"""Where a candidate applies, read from the posting's "How to apply" text: its first web
address, else its first e-mail address (as a mailto: link), else nothing.

What comes back goes into a public page's `href`, so only two shapes ever do: an http(s) URL
with a host and no user name (`https://acme.example@evil.example` names evil.example), or
`mailto:` and one plain address. Nothing else is turned into a link: no `javascript:`,
`data:` or any other scheme, whatever the text says. Punctuation that ends the sentence
("Apply at https://acme.example/jobs.") is not part of the address, nor are brackets or
quotes around it. The text is the JD's, at most 1,000 characters; a longer one is read only
so far, so no input makes the search slow.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A web address runs until a space, a quote, an angle bracket or a character a URL never
# holds unescaped; a backslash is left out too (browsers read it as a slash).
_URL = re.compile(r"(?<![\w.+-])https?://[^\s<>\"'()\\`{}|^]+", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![\w.%+-])"
    r"([A-Za-z0-9._%+-]{1,64})"  # the local part
    r"@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63})"  # labels, then the TLD
    r"(?![\w-])"
)
# What may end a sentence or close a bracket or quote around an address.
_TRAILING = ".,;:!?)]}>\"'»”’›"
MAX_LENGTH = 500  # of the link
MAX_EMAIL = 254  # RFC 5321's limit on an address
READ_AT_MOST = 5000  # characters of the text searched


def _web_address(candidate: str) -> str:
    """`candidate` (from _URL) as a link, or "" when it is not one we give out."""
    target = candidate.rstrip(_TRAILING)
    if len(target) > MAX_LENGTH:
        return ""
    try:
        parts = urlsplit(target)
        host = parts.hostname
    except ValueError:  # e.g. a bad IPv6 literal, "https://[x"
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return ""
    if host.strip(".") != host or ".." in host:
        return ""
    return target


def apply_target(how_to_apply: str) -> str:
    """An http(s) URL or a "mailto:" address; "" when the text names neither."""
    text = how_to_apply[:READ_AT_MOST]
    for match in _URL.finditer(text):
        target = _web_address(match.group(0))
        if target:
            return target
    # An address inside a web address ("https://acme.example@evil.example") is not one.
    text = _URL.sub(" ", text)
    for match in _EMAIL.finditer(text):
        local, domain = match.groups()
        address = f"{local}@{domain}"
        if local.startswith(".") or local.endswith(".") or ".." in local:
            continue
        if len(address) <= MAX_EMAIL:
            return f"mailto:{address}"
    return ""
