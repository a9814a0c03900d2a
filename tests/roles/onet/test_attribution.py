"""The O*NET attribution and the ownership test that reads it back."""

from roles.models import Role
from roles.onet.attribution import ONET_SOURCE, is_onet_source


def test_onet_source_of_any_release_marks_ownership():
    assert is_onet_source(ONET_SOURCE)
    assert is_onet_source(ONET_SOURCE.replace("30.0", "31.1"))
    assert not is_onet_source(ONET_SOURCE + "; edited by staff")
    assert not is_onet_source('Workera, "AI Career Pathways"')
    assert len(ONET_SOURCE) <= Role._meta.get_field("source").max_length
    assert "CC BY 4.0" in ONET_SOURCE
