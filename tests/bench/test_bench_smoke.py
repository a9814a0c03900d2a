"""The benchmark code runs: the generator at a tiny size, each in-process benchmark once.

No timing is asserted here: `make bench` measures, on a quiet machine (docs/performance.md).
"""

import pytest
import redis
from django.db.models import Count
from django.db.models.functions import Length, Lower

from bench import benchmarks, careers, pages, wizard, workers
from bench.fixtures import prepare
from bench.generate_catalog import GENERATED_SOURCE, ONET_SKILLS, generate_catalog
from bench.report import table, verdicts
from bench.timing import Row, interleaved
from jdbuilder.jobs.models import Job
from jdbuilder.models import RenderedFile
from roles.models import (
    AlternateTitle,
    Importance,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
)

TINY = {"roles": 5, "titles_per_role": 60, "tasks_per_role": 20}


def generated_rows() -> dict:
    roles = Role.objects.filter(source=GENERATED_SOURCE)
    return {
        "names": list(roles.order_by("pk").values_list("name", flat=True)),
        "titles": list(
            AlternateTitle.objects.filter(role__in=roles)
            .order_by("pk")
            .values_list("title", flat=True)
        ),
        "tasks": list(
            Task.objects.filter(roles__in=roles).order_by("pk").values_list("text", flat=True)
        ),
        "levels": list(
            RoleSkill.objects.filter(role__in=roles)
            .order_by("pk")
            .values_list("skill__name", "level__rank", "importance")
        ),
    }


def test_generator_counts_and_constraints(catalog):
    seed_roles = Role.objects.count()
    report = generate_catalog(**TINY)

    roles = Role.objects.filter(source=GENERATED_SOURCE)
    assert roles.count() == 5 and Role.objects.count() == seed_roles + 5
    assert report.created["roles"] == 5
    assert AlternateTitle.objects.filter(role__in=roles).count() == 5 * 60
    assert RoleTask.objects.filter(role__in=roles).count() == 5 * 20
    assert Task.objects.filter(roles__in=roles).distinct().count() == 5 * 20
    # Every generated role is rated on the same 35 skills, once each, on the level scale.
    assert Skill.objects.filter(name__in=[name for name, _ in ONET_SKILLS]).count() == 35
    per_role = roles.annotate(n=Count("role_skills", distinct=True)).values_list("n", flat=True)
    assert set(per_role) == {35}
    links = RoleSkill.objects.filter(role__in=roles)
    assert set(links.values_list("level_id", flat=True)) <= set(
        ProficiencyLevel.objects.values_list("pk", flat=True)
    )
    assert set(links.values_list("importance", flat=True)) <= set(Importance.values)
    # The seed's "Mathematics" is reused, not duplicated.
    assert Skill.objects.filter(name__iexact="mathematics").count() == 1
    # Text lengths.
    titles = AlternateTitle.objects.filter(role__in=roles).annotate(n=Length("title"))
    assert all(10 <= n <= 60 for n in titles.values_list("n", flat=True))
    names = roles.annotate(n=Length("name")).values_list("n", flat=True)
    assert all(10 <= n <= 60 for n in names)
    tasks = Task.objects.filter(roles__in=roles).annotate(n=Length("text"))
    assert all(60 <= n <= 200 for n in tasks.values_list("n", flat=True))
    summaries = [len(s) for s in roles.values_list("summary", flat=True)]
    assert all(200 <= n <= 400 for n in summaries)
    # One spelling per role, ignoring case; task areas follow the tasks.
    per_role_titles = titles.annotate(t=Lower("title")).values_list("role_id", "t")
    assert len(set(per_role_titles)) == 5 * 60
    for role in roles:
        assert set(role.task_areas.values_list("pk", flat=True)) == set(
            role.tasks.values_list("area_id", flat=True)
        )
        assert role.tools.count() == 5


def test_generator_is_deterministic(catalog):
    generate_catalog(roles=3, seed=7)
    first = generated_rows()
    Task.objects.filter(roles__source=GENERATED_SOURCE).delete()
    Role.objects.filter(source=GENERATED_SOURCE).delete()
    generate_catalog(roles=3, seed=7)
    assert generated_rows() == first
    Task.objects.filter(roles__source=GENERATED_SOURCE).delete()
    Role.objects.filter(source=GENERATED_SOURCE).delete()
    generate_catalog(roles=3, seed=8)
    assert generated_rows()["names"] != first["names"]


def test_generator_stands_alone(db):
    assert not TaskArea.objects.exists()
    generate_catalog(roles=2, titles_per_role=3, tasks_per_role=4)
    assert TaskArea.objects.count() == 5
    assert ProficiencyLevel.objects.count() == 5
    assert Skill.objects.count() == 35
    assert Role.objects.count() == 2
    assert RoleSkill.objects.count() == 70


def test_interleaved_rotates_and_counts():
    calls = []
    times = interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        repeat=3,
        warmup=1,
        before={"a": lambda: calls.append("before a")},
    )
    assert [len(v) for v in times.values()] == [3, 3]
    warmup = ["before a", "a", "b"]
    turns = ["before a", "a", "b"] + ["b", "before a", "a"] + ["before a", "a", "b"]
    assert calls == warmup + turns


@pytest.mark.urls("bench.urls")
def test_in_process_benchmarks_run_once(catalog, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    generate_catalog(roles=3)
    ctx = prepare(tmp_path / "static")
    assert ctx.role.source == GENERATED_SOURCE
    assert (tmp_path / "static" / "bench").exists()

    rows = pages.wizard_requests(ctx, repeat=1)
    assert [r.name for r in rows] == [f"wizard step GET {s}" for s in wizard.STEPS] + [
        f"wizard step POST {s}" for s in wizard.STEPS
    ]
    live = pages.live_requests(ctx, repeat=1)
    assert {r.name for r in live} == {
        "live preview POST (posting)",
        "autosave POST (posting)",
        "preview load GET (skills, not cached)",
        "wizard step GET skills, preview cached",
    }
    rows += [r for r in live if not r.unavailable]
    rows += pages.catalog_requests(ctx, repeat=1)
    rows += benchmarks.pdf_download(ctx, repeat=1)
    rows += pages.stored_pdf_download(ctx, repeat=1)
    search, details = benchmarks.role_search(repeat=1, label="test")
    rows.append(search)
    assert {d["kind"] for d in details} >= {"name", "alternate title", "partial", "no match"}
    assert [d["results"] for d in details if d["kind"] == "no match"] == [0]
    assert benchmarks.explain_search("eng")
    rows.append(
        benchmarks.memory_growth(
            benchmarks.render_a4(ctx), ctx.delete_stored_pdf, renders=1, warmup=1
        )
    )
    finalize = workers.finalize_request(ctx, repeat=1)
    assert [r.name for r in finalize] == ["finalize POST (review)"]
    rows += [r for r in finalize if not r.unavailable]
    for row in rows:
        assert row.ours > 0 or row.unit == "MiB"
    assert all(row.ratio for row in rows if row.kind == "ratio")
    printed = table(rows)
    assert printed.startswith("| name") and "PDF download, stored copy" in printed
    # The stored PDF is measured against the signed-in view, the steps against the layout page.
    stored = next(r for r in rows if r.name == "PDF download, stored copy")
    assert stored.baseline_name == "signed-in view returning ok" and stored.target == 1.5
    assert {r.baseline_name for r in rows if r.name.startswith("wizard step")} == {
        "empty layout page"
    }
    size = next(r for r in rows if r.name == "role list HTML size")
    assert size.unit == "KB" and size.ours > 1


def test_a_finalize_post_issues_a_revision_and_queues_its_render_to_the_broker(
    catalog, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Each timed finalize issues a revision; its render goes to Redis, never runs here."""
    if not workers.redis_available():
        pytest.fail(f"needs Redis at {workers.REDIS_URL} (.ci/services starts it)")
    settings.ROOT_URLCONF = "bench.urls"
    settings.STATIC_ROOT = tmp_path / "static"
    ctx = prepare(tmp_path / "static")
    draft = workers.finalizable_draft(ctx)
    with workers.sent_to_broker():
        post = workers.FinalizePost(ctx.client, draft)
        for _ in range(2):
            post.prepare()
            with django_capture_on_commit_callbacks(execute=True):  # as the commit would
                post()
        queued = redis.Redis.from_url(workers.REDIS_URL).llen("celery")
    assert draft.revisions.count() == 2
    assert queued == 2
    assert not RenderedFile.objects.filter(revision__job_description=draft).exists()
    assert Job.objects.filter(revision__job_description=draft, status="queued").count() == 2


def test_a_step_post_is_a_real_save_each_time(catalog, settings, tmp_path):
    """Each timed POST saves with the current version (302), so the draft's version moves on."""
    settings.ROOT_URLCONF = "bench.urls"
    settings.STATIC_ROOT = tmp_path / "static"
    ctx = prepare(tmp_path / "static")
    post = wizard.StepPost(ctx.client, ctx.draft, "skills")
    version = int(wizard.current_version(ctx.draft))
    for _ in range(3):
        post.prepare()
        post()
    assert int(wizard.current_version(ctx.draft)) == version + 3


def test_a_missing_route_is_reported_not_available(catalog, settings, tmp_path, monkeypatch):
    settings.ROOT_URLCONF = "bench.urls"
    settings.STATIC_ROOT = tmp_path / "static"
    ctx = prepare(tmp_path / "static")
    monkeypatch.setattr(wizard, "named_step_url", lambda *args: None)
    rows = pages.live_requests(ctx, repeat=1)
    assert [r.unavailable for r in rows] == ["no route jd:wizard_preview yet"] + [
        "no route jd:wizard_autosave yet"
    ]
    assert all(r.met is None for r in rows)
    printed = table(rows)
    assert "not available" in printed and "n/a" in printed
    assert "not available: live preview" in verdicts(rows)


def test_a_sequential_scan_of_the_titles_fails_the_search_line():
    seq = "Limit\n  ->  Seq Scan on roles_alternatetitle u0\n        Filter: (...)"
    indexed = "Bitmap Heap Scan on roles_alternatetitle u0\n  ->  Bitmap Index Scan on t_trgm"
    note, failure = benchmarks.plan_verdict({"eng": indexed, "analy": seq})
    assert "t_trgm" in note and failure == "Seq Scan on roles_alternatetitle for `analy`"
    assert benchmarks.plan_verdict({"eng": indexed})[1] == ""
    # A sequential scan of another table with a trigram index is told, not failed.
    texts = "Limit\n  ->  Seq Scan on roles_rolesearchtext s\n"
    told, none = benchmarks.plan_verdict({"eng": texts}, ["roles_rolesearchtext"])
    assert none == "" and "index not used (Seq Scan on roles_rolesearchtext) for `eng`" in told
    row = Row("role search, PostgreSQL", 0.001, None, 0.005, kind="max", failure=failure)
    assert row.met is False and "**NO**" in table([row])
    assert Row.from_dict(row.as_dict()).failure == failure


def test_table_marks_misses():
    printed = table(
        [
            Row("fast", 0.001, 0.001, 3.0),
            Row("slow", 0.010, 0.001, 3.0),
            Row("search", 0.030, None, 0.020, kind="max"),
        ]
    )
    lines = printed.splitlines()
    assert "yes" in lines[2] and "**NO**" in lines[3] and "**NO**" in lines[4]


@pytest.mark.urls("bench.urls")
def test_the_careers_benchmark_runs_once(catalog, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    ctx = prepare(tmp_path / "static")
    published = careers.prepare(ctx, 30)
    assert published.count == 30
    rows = careers.in_process_rows(ctx, published, repeat=1)
    assert all(row.ours > 0 for row in rows)
    assert {row.target for row in rows if row.kind == "ratio"} == {careers.RATIO_TARGET}
    share = careers.ShareRow("rps share", 400.0, 1000.0, careers.SHARE_TARGET)
    assert share.met is False and "≥ 0.5x" in table([share])
    assert careers.ShareRow("rps share", 1.0, 1.0, 0.5, share=0.6).met is True
