"""Two saves of one step that race past the first version check at the same moment: the guarded
UPDATE lets one win, and the other gets the same merge view as any conflict, showing what was
typed (no server error, no other step's page). Two truly concurrent requests against a live
server on PostgreSQL, for every step:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jdb_h2 .venv/bin/pytest \\
        tests/jdbuilder/wizard/test_race.py --create-db
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from django.test import Client

from jdbuilder.models import JobDescription
from jdbuilder.services import start_draft
from roles.models import ProficiencyLevel, Role
from tests.factories import ManagerFactory
from tests.support.merge import merge_form
from tests.support.wizard import page_fields, valid_posting

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two live-server threads must hold two connections at once, "
        "and SQLite serialises writes (run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]


def lowest_and_highest():
    ranks = list(ProficiencyLevel.objects.values_list("rank", flat=True))
    return str(min(ranks)), str(max(ranks))


def changes_for(step: str, side: str) -> dict[str, str]:
    """What each of the two racers types on `step` (the same field, different values)."""
    if step == "role":
        return {"role-title": f"Title {side}"}
    if step == "responsibilities":
        return {"responsibilities-__custom__-text": f"Custom duty {side}"}
    if step == "skills":
        low, high = lowest_and_highest()
        return {"skills-0-level": low if side == "A" else high}
    if step == "tools":
        return {"tools-other_tools": f"Tool {side}"}
    return valid_posting(**{"posting-company_name": f"Company {side}"})


def shown_value(step: str, side: str) -> str:
    """How the merge view shows the racer's typed value."""
    if step == "skills":
        low, high = lowest_and_highest()
        rank = int(low if side == "A" else high)
        return ProficiencyLevel.objects.get(rank=rank).name
    if step == "responsibilities":
        return "Included"
    value = changes_for(step, side)
    return value.get(f"{step}-title") or value.get(f"{step}-other_tools") or f"Company {side}"


def signed_in_session(live_server, user) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def form_of(session: requests.Session, url: str, step: str, side: str) -> dict[str, list[str]]:
    response = session.get(url, timeout=30)
    assert response.status_code == 200, response.status_code
    fields = page_fields(response.text)
    for name, value in changes_for(step, side).items():
        if "__custom__" in name:  # the first blank row of one's own responsibilities
            index = 0
            while fields.get(f"responsibilities-{index}-task", [""])[0]:
                index += 1
            name = name.replace("__custom__", str(index))
        fields[name] = [value]
    return fields


STEPS = ["role", "responsibilities", "skills", "tools", "posting"]


def test_the_loser_of_a_race_gets_the_merge_view_on_every_step(live_server, catalog, monkeypatch):
    # One test for the five steps: a transactional test reloads the catalog, which costs more
    # than the five races together.
    user = ManagerFactory()
    for step in STEPS:
        race_on(step, live_server, user, monkeypatch)


def race_on(step, live_server, user, monkeypatch) -> None:
    jd = start_draft(owner=user, role=Role.objects.get(slug="software-engineer"))
    url = f"{live_server.url}/jd/{jd.public_id}/edit/{step}/"
    tabs = {side: signed_in_session(live_server, user) for side in "AB"}
    forms = {side: form_of(tabs[side], url, step, side) for side in "AB"}

    # Both requests are past the first version check before either UPDATE runs.
    barrier = threading.Barrier(2, timeout=20)
    save_draft = JobDescription.save_draft

    def racing_save_draft(self, *, expected_version):
        barrier.wait()
        return save_draft(self, expected_version=expected_version)

    monkeypatch.setattr(JobDescription, "save_draft", racing_save_draft)

    def post(side):
        return side, tabs[side].post(url, data=forms[side], allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(pool.map(post, "AB"))
    monkeypatch.undo()

    statuses = sorted(response.status_code for response in answers.values())
    assert statuses == [302, 409], (step, statuses)
    winner = next(side for side, response in answers.items() if response.status_code == 302)
    loser = "B" if winner == "A" else "A"
    html = answers[loser].text
    merge = merge_form(html)
    assert 'id="jd-merge"' in html and merge.choices, f"{step}: the loser got no merge view"
    assert f"Step {STEPS.index(step) + 1} of 6" in html, step
    assert shown_value(step, loser) in html, step
    # What the loser typed travels in the merge form; the draft holds the winner's.
    for name, value in changes_for(step, loser).items():
        if "__custom__" not in name:
            assert merge.hidden[name] == [value]
    jd.refresh_from_db()
    assert jd.lock_version == 1
    assert_holds(jd, step, winner)


def assert_holds(jd: JobDescription, step: str, side: str) -> None:
    chosen = jd.chosen
    if step == "role":
        assert jd.title == f"Title {side}"
    elif step == "responsibilities":
        texts = [item.text for item in chosen.responsibilities]
        assert f"Custom duty {side}" in texts
        assert f"Custom duty {'B' if side == 'A' else 'A'}" not in texts
    elif step == "skills":
        low, high = lowest_and_highest()
        assert str(chosen.skills[0].level) == (low if side == "A" else high)
    elif step == "tools":
        assert [item.name for item in chosen.tools if item.tool is None] == [f"Tool {side}"]
    else:
        assert chosen.posting.company_name == f"Company {side}"
