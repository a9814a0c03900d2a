"""E-mail through the queue (jdbuilder/mail.py): rendered when asked for, sent by the worker's
handler with both bodies, retried while the mail server says "later", failed when it says "no".

The outbox tests use Django's locmem backend (the test runner's); the SMTP tests start a real
SMTP server (aiosmtpd) on a free port and point the SMTP backend at it.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.jobs.services import RULES
from jdbuilder.mail import absolute_url, queue_email
from tests.support.approvals_mail import free_port, running_smtp_server

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPIRES = datetime.datetime(2031, 5, 17, 14, 30, tzinfo=datetime.UTC)


def export_context(**overrides) -> dict:
    context = {
        "title": "Library export of 12 JDs",
        "url": "http://jd.example.com/exports/42/",
        "expires_at": EXPIRES,
    }
    context.update(overrides)
    return context


def send_export_ready(capture, to=("pat@example.com",), **context) -> Job:
    with capture(execute=True):
        job = queue_email(to=list(to), template="export_ready", context=export_context(**context))
    job.refresh_from_db()
    return job


# --- rendering, checking, queueing (locmem outbox) --------------------------------------------


def test_a_queued_email_is_sent_once_with_both_bodies(
    django_capture_on_commit_callbacks, mailoutbox, manager, settings
):
    settings.DEFAULT_FROM_EMAIL = "JD Builder <noreply@jd.example.com>"
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_email(
            to=["pat@example.com"],
            template="export_ready",
            context=export_context(),
            owner=manager,
        )
        assert mailoutbox == []  # rendered now, sent by the worker once this commits

    job.refresh_from_db()
    assert (job.kind, job.status, job.owner, job.attempts) == (
        JobKind.EMAIL,
        JobStatus.SUCCEEDED,
        manager,
        1,
    )
    [message] = mailoutbox
    assert message.subject == "Your export is ready"
    assert message.to == ["pat@example.com"]
    assert message.from_email == "JD Builder <noreply@jd.example.com>"
    assert "Your export is ready: Library export of 12 JDs" in message.body
    assert "http://jd.example.com/exports/42/" in message.body
    assert "17 May 2031, 14:30 UTC" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="http://jd.example.com/exports/42/">' in html
    assert "<p>Library export of 12 JDs</p>" in html and "17 May 2031, 14:30 UTC" in html
    # The result records which message went out, and when.
    assert job.result["message_id"] == message.extra_headers["Message-ID"]
    assert job.result["message_id"] == message.message()["Message-ID"]
    sent_at = datetime.datetime.fromisoformat(job.result["sent_at"])
    assert abs(timezone.now() - sent_at) < datetime.timedelta(minutes=1)
    assert job.result["recipients"] == 1


def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = queue_email(to=["pat@example.com"], template="export_ready", context=export_context())
    assert len(callbacks) == 1
    assert mailoutbox == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    # What the worker will send is already in the row: it only sends.
    assert job.params["to"] == ["pat@example.com"]
    assert job.params["subject"] == "Your export is ready"
    assert "Library export of 12 JDs" in job.params["text"]
    assert "<h1>Your export is ready</h1>" in job.params["html"]


def test_user_values_are_escaped_in_the_html_body_and_kept_as_typed_in_the_text(
    django_capture_on_commit_callbacks, mailoutbox
):
    hostile = 'R&D <script>alert("x")</script> <a href="http://evil.example">win</a>'
    send_export_ready(django_capture_on_commit_callbacks, title=hostile)
    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert "<script>" not in html and 'evil.example">' not in html
    assert "R&amp;D &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    # Plain text is not HTML: no entities in it.
    assert hostile in message.body
    assert "&amp;" not in message.body and "&lt;" not in message.body


def test_the_import_finished_email_shows_status_summary_and_link(
    django_capture_on_commit_callbacks, mailoutbox, staff
):
    summary = "Roles: 12 created, 3 updated\nSkills: 40 created <new>"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            to=[staff.email],
            template="import_finished",
            context={"status": "Ready", "summary": summary, "url": absolute_url("/admin/")},
            owner=staff,
        )
    [message] = mailoutbox
    assert message.subject == "O*NET import finished: Ready"
    assert message.to == [staff.email]
    assert summary in message.body and "http://127.0.0.1:8000/admin/" in message.body
    html = message.alternatives[0][0]
    assert "Roles: 12 created, 3 updated<br>Skills: 40 created &lt;new&gt;" in html
    assert '<a href="http://127.0.0.1:8000/admin/">' in html


def test_the_same_address_twice_gets_one_copy(django_capture_on_commit_callbacks, mailoutbox):
    send_export_ready(
        django_capture_on_commit_callbacks,
        to=["pat@example.com", "lee@example.com", "pat@example.com"],
    )
    [message] = mailoutbox
    assert message.to == ["pat@example.com", "lee@example.com"]


@pytest.mark.parametrize(
    "to",
    [
        ["not-an-address"],
        ["pat@example.com, lee@example.com"],  # a list inside one string
        ["Pat <pat@example.com>"],  # a display name: one plain address only
        ["pat@example.com\nBcc: everyone@example.com"],  # a header line smuggled in
        ["pat@example.com\r\n"],
        ["pat@example.com", ""],
        ["pat@example.com", None],
        [],
        "pat@example.com",  # a string, not a list: would be read as one address per letter
    ],
    ids=lambda to: repr(to)[:40],
)
def test_a_bad_recipient_is_refused_and_nothing_is_queued(
    to, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        queue_email(to=to, template="export_ready", context=export_context())
    assert "address" in str(error.value)
    assert not Job.objects.exists()
    assert mailoutbox == []


def test_too_many_recipients_are_refused(django_capture_on_commit_callbacks):
    to = [f"person{n}@example.com" for n in range(51)]
    with pytest.raises(ValidationError, match="At most 50 recipients"):
        queue_email(to=to, template="export_ready", context=export_context())
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "status",
    ["Ready\nBcc: everyone@example.com", "Ready\r\nX-Injected: 1", "Ready\u2028Bcc: a@example.com"],
)
def test_a_subject_with_a_line_break_is_refused(
    status, django_capture_on_commit_callbacks, mailoutbox
):
    """A user value that reaches the subject cannot add a header: the subject must be one line."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        queue_email(
            to=["pat@example.com"],
            template="import_finished",
            context={"status": status, "summary": "", "url": absolute_url("/admin/")},
        )
    assert "line break" in str(error.value)
    assert not Job.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("template", ["../base", "email/export_ready", "Export_ready", ""])
def test_a_template_name_outside_the_email_folder_is_refused(template):
    with pytest.raises(ValueError, match="Not the name of an e-mail template"):
        queue_email(to=["pat@example.com"], template=template, context=export_context())
    assert not Job.objects.exists()


def test_a_missing_template_is_an_error_and_queues_nothing():
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        queue_email(to=["pat@example.com"], template="no_such_email", context={})
    assert not Job.objects.exists()


def test_absolute_url_builds_links_on_site_url(settings):
    assert absolute_url("/library/") == "http://127.0.0.1:8000/library/"
    settings.SITE_URL = "https://jd.example.com/"
    assert absolute_url("/exports/42/?x=1") == "https://jd.example.com/exports/42/?x=1"


@pytest.mark.parametrize("path", ["library/", "https://evil.example/", "//evil.example/x", ""])
def test_absolute_url_refuses_anything_but_a_site_path(path):
    with pytest.raises(ValueError, match="path starting with one '/'"):
        absolute_url(path)


# --- a real SMTP server ------------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    with running_smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture
def eager_retries(settings):
    """Retries run at once, in-process, as in development. (With the test settings' propagation
    on, Celery raises its Retry out of an eager task instead of running the task again.)"""
    settings.CELERY_TASK_EAGER_PROPAGATES = False


def test_an_smtp_server_receives_the_message_with_both_parts(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "noreply@jd.example.com"
    job = send_export_ready(django_capture_on_commit_callbacks, title="Q3 & Q4 <hiring>")

    assert job.status == JobStatus.SUCCEEDED, job.error
    [(recipients, raw)] = smtp_server.messages
    assert recipients == ["pat@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Your export is ready"
    assert message["From"] == "noreply@jd.example.com"
    assert message["To"] == "pat@example.com"
    assert message["Message-ID"] == job.result["message_id"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Your export is ready: Q3 & Q4 <hiring>" in text
    assert "<p>Q3 &amp; Q4 &lt;hiring&gt;</p>" in html
    assert (
        "http://jd.example.com/exports/42/" in text and "http://jd.example.com/exports/42/" in html
    )


def test_a_server_that_says_try_later_gets_the_message_again_and_it_is_delivered_once(
    smtp_server, eager_retries, django_capture_on_commit_callbacks
):
    smtp_server.data_answers = ["451 4.3.0 Mailbox busy, try again later"]
    job = send_export_ready(django_capture_on_commit_callbacks)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert smtp_server.data_calls == 2
    assert len(smtp_server.messages) == 1


def test_a_recipient_deferred_with_4xx_is_tried_again(
    smtp_server, eager_retries, django_capture_on_commit_callbacks
):
    smtp_server.rcpt_answers = ["450 4.2.1 Try again in a minute"]
    job = send_export_ready(django_capture_on_commit_callbacks)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_refused_recipient_fails_the_job_with_the_servers_reason_and_is_not_retried(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.rcpt_answers = ["550 5.1.1 No such user here"]
    job = send_export_ready(django_capture_on_commit_callbacks, to=["gone@example.com"])

    assert job.status == JobStatus.FAILED
    assert job.attempts == 1 and smtp_server.rcpt_calls == 1
    assert job.error.startswith("The mail server refused the recipient(s)")
    assert "gone@example.com: 550 5.1.1 No such user here" in job.error
    assert smtp_server.messages == []


def test_a_message_refused_at_data_fails_the_job_with_the_reason(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.data_answers = ["554 5.7.1 Message rejected as spam"]
    job = send_export_ready(django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED
    assert job.attempts == 1 and smtp_server.data_calls == 1
    assert job.error == "The mail server refused the message: 554 5.7.1 Message rejected as spam"


def test_a_mail_server_that_is_down_is_tried_until_the_last_attempt(
    eager_retries, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    job = send_export_ready(django_capture_on_commit_callbacks)

    attempts = RULES[JobKind.EMAIL].max_attempts
    assert job.status == JobStatus.FAILED
    assert job.attempts == attempts
    assert job.error.startswith(f"Gave up after {attempts} attempts. Last error: ")
    assert "ConnectionRefusedError" in job.error


# --- the settings -----------------------------------------------------------------------------


def mail_settings(**env: str) -> dict:
    """The e-mail settings as `manage.py` reads them from `env` (a fresh process)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_DEBUG"))}
    clean.update({"SECRET_KEY": "k" * 60, "DJANGO_SETTINGS_MODULE": "jdbuilder.settings"}, **env)
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_TIMEOUT"]
    names.append("SITE_URL")
    code = "from django.conf import settings; " + "; ".join(
        f"print({name!r}, repr(settings.{name}))" for name in names
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if line)


def test_development_prints_emails_on_the_console():
    values = mail_settings(DJANGO_DEBUG="1")
    assert values["EMAIL_BACKEND"] == "'django.core.mail.backends.console.EmailBackend'"
    assert values["SITE_URL"] == "'http://127.0.0.1:8000'"


def test_production_sends_by_smtp_configured_from_the_environment():
    values = mail_settings(
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        SITE_URL="https://jd.example.com/",
    )
    assert values == {
        "EMAIL_BACKEND": "'django.core.mail.backends.smtp.EmailBackend'",
        "EMAIL_HOST": "'smtp.example.com'",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "True",
        "EMAIL_TIMEOUT": "10",
        "SITE_URL": "'https://jd.example.com'",
    }


def test_the_backend_can_be_chosen_and_tls_and_ssl_together_are_refused():
    values = mail_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    assert values["EMAIL_BACKEND"] == "'django.core.mail.backends.locmem.EmailBackend'"

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_DEBUG"))}
    clean.update(SECRET_KEY="k" * 60, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    clean["DJANGO_SETTINGS_MODULE"] = "jdbuilder.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both." in result.stderr
