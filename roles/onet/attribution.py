"""The O*NET licence text (CC BY 4.0) and the ownership test that reads it back.

The attribution stored on a role is also how the import recognises the roles it owns, so the
text and the test for it live together.
"""

from __future__ import annotations

import re

ONET_VERSION = "30.0"
# Stored in Role.source of every role the import owns: CC BY 4.0 requires the attribution.
ONET_SOURCE = (
    f"O*NET {ONET_VERSION} Database by the U.S. Department of Labor, Employment and Training "
    "Administration (USDOL/ETA), used under the CC BY 4.0 license"
)
# The full notice O*NET asks for where the data is shown (e.g. a page footer), as we modify it.
ONET_ATTRIBUTION = (
    f"This site includes information from the O*NET {ONET_VERSION} Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the "
    "CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. JD Builder has modified all or "
    "some of this information. USDOL/ETA has not approved, endorsed, or tested these "
    "modifications."
)
# Any release's attribution marks a role as owned by the import, so bumping ONET_VERSION keeps
# ownership; any other text (e.g. the attribution plus "; edited by staff") hands it to staff.
_ONET_SOURCE_RE = re.compile(re.escape(ONET_SOURCE).replace(re.escape(ONET_VERSION), r"\d+\.\d+"))


def is_onet_source(source: str) -> bool:
    """True when a role's source is exactly an O*NET attribution: the import owns the role."""
    return bool(_ONET_SOURCE_RE.fullmatch(source))
