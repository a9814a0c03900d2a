"""`manage.py import_onet`: its output, and an imported role used end to end."""

import re

from roles.models import Role
from roles.onet.attribution import ONET_SOURCE
from tests.roles.onet.helpers import run


def test_shows_progress_summary_and_attribution(catalog, release):
    out = run(release)
    lines = out.splitlines()
    assert lines[:4] == [
        "[1/4] 15-1211.00 Computer Systems Analysts",
        "[2/4] 15-1252.00 Software Developers",
        "[3/4] 15-2051.00 Data Scientists",
        "[4/4] 43-9021.00 Data Entry Keyers",
    ]
    assert ONET_SOURCE in out
    assert re.search(r"Imported in [\d.]+ s: 4 occupations: roles 4 created; ", lines[-1])
    assert "role skills" in lines[-1]
    quiet = run(release, "--quiet")
    assert "[1/4]" not in quiet
    assert "roles 0 created, 4 kept" in quiet
    assert run(release, verbosity=0) == ""


def test_imported_roles_show_onet_attribution_and_open_in_the_wizard(catalog, release, client):
    from jdbuilder.models import JobDescription
    from tests.factories import ManagerFactory

    run(release)
    role = Role.objects.get(onet_code="15-1252.00")
    client.force_login(ManagerFactory())
    page = client.get(role.get_absolute_url()).content.decode()
    assert "Used under the CC BY 4.0 license" in page
    found = client.get("/jd/new/", {"q": "full stack"}).content.decode()
    assert role.name in found
    response = client.post("/jd/new/", {"role": role.slug})
    jd = JobDescription.objects.get()
    assert response.url == f"/jd/{jd.public_id}/edit/"
    skills = client.get(f"/jd/{jd.public_id}/edit/skills/")
    assert skills.status_code == 200
    assert jd.chosen.skills, "the imported role's skills start the wizard"
