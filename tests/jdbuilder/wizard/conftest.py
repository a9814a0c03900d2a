"""The wizard tests' fixture: `start(slug)` starts a draft as a manager does, through the page."""

import pytest

from jdbuilder.models import JobDescription
from tests.support.wizard import WizardDriver


@pytest.fixture
def start(manager_client, catalog):
    def start(slug="software-engineer", client=None):
        client = client or manager_client
        response = client.post("/jd/new/", {"role": slug})
        assert response.status_code == 302
        jd = JobDescription.objects.latest("pk")
        assert response.url == f"/jd/{jd.public_id}/edit/"
        return WizardDriver(client, jd)

    return start
