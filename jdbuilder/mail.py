"""E-mail through the queue: a message is rendered when it is asked for and sent by a worker.

`queue_email` renders the subject, the plain-text and the HTML body from
`templates/email/<template>_subject.txt`, `<template>.txt` and `<template>.html` at once, checks
every value that becomes a header, and stores the finished message in an e-mail job's params;
the worker's handler, `deliver`, only sends it. A mail server that is down or answers "try
later" (4xx) makes the job go back to the queue and be tried again with backoff; one that
refuses the message for good (5xx) fails the job with the server's reason.

Backends come from the settings: the console in development, SMTP from the environment in
production (jdbuilder/settings.py, "E-mail").
"""

from __future__ import annotations

import re
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from jdbuilder.jobs.models import Job, JobKind
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.queue import enqueue
from jdbuilder.jobs.services import JobRefused

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MAX_RECIPIENTS = 50
TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a file in templates/email/, nowhere else


class MailDeferred(ConnectionError):
    """The mail server could not take the message now (a 4xx answer, or it is unreachable).

    A ConnectionError, so that `run_job` treats it as transient: the job is queued again and
    the task retried with backoff, until the kind's last attempt.
    """


def absolute_url(path: str) -> str:
    """`path` (a site path such as reverse() gives) as a full link on SITE_URL, for e-mails,
    which are read outside the site and so cannot use relative links."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"absolute_url() takes a path starting with one '/', not {path!r}.")
    return settings.SITE_URL.rstrip("/") + path


def _checked_recipients(to: list[str]) -> list[str]:
    if isinstance(to, str) or not to:
        raise ValidationError("Give the recipients as a non-empty list of addresses.")
    if len(to) > MAX_RECIPIENTS:
        raise ValidationError(f"At most {MAX_RECIPIENTS} recipients per message.")
    recipients: list[str] = []
    for address in to:
        # One plain address each: no display name, no list in one string, nothing that could
        # add a header line.
        if not isinstance(address, str):
            raise ValidationError(f"Not an e-mail address: {address!r}.")
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(f"Not one valid e-mail address: {address!r}.") from None
        if address not in recipients:
            recipients.append(address)
    return recipients


def _one_line_subject(rendered: str, template: str) -> str:
    subject = rendered.strip()
    if not subject:
        raise ValidationError(f"The e-mail template {template!r} gives an empty subject.")
    if any(mark in subject for mark in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError(
            f"The subject of the e-mail {template!r} has a line break; a subject is one line."
        )
    return subject


@transaction.atomic
def queue_email(
    *, to: list[str], template: str, context: dict, owner: AbstractBaseUser | None = None
) -> Job:
    """Render the e-mail `template` with `context` for `to` and queue its sending.

    Raises ValidationError (and queues nothing) for a recipient that is not one valid
    address, or a subject that is not one line. The job is sent to the workers when the
    current transaction commits.
    """
    if not TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"Not the name of an e-mail template: {template!r}.")
    recipients = _checked_recipients(to)
    subject = _one_line_subject(
        render_to_string(f"email/{template}_subject.txt", context), template
    )
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    job = Job.objects.create(
        kind=JobKind.EMAIL,
        owner=owner,
        title=f"E-mail: {subject}"[:200],
        params={
            "template": template,
            "to": recipients,
            "subject": subject,
            "text": text,
            "html": html,
            # Chosen once, so a retried send after a lost reply carries the same id and the
            # receiving side can recognise a duplicate.
            "message_id": make_msgid(domain=DNS_NAME),
        },
    )
    enqueue(job)
    return job


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def deliver(job: Job, progress: Progress) -> dict:
    """The e-mail job's handler: send the message rendered by `queue_email`, once."""
    params = job.params
    progress.stage("Sending", total=1)
    message = EmailMultiAlternatives(
        subject=params["subject"],
        body=params["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=params["to"],
        headers={"Message-ID": params["message_id"]},
    )
    message.attach_alternative(params["html"], "text/html")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError):
        raise  # transient for run_job: tried again
    except smtplib.SMTPRecipientsRefused as error:
        detail = "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in error.recipients.items()
        )
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            raise MailDeferred(f"The mail server asked to try later: {detail}") from error
        raise JobRefused(f"The mail server refused the recipient(s): {detail}") from error
    except smtplib.SMTPResponseException as error:
        reply = _reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            raise MailDeferred(f"The mail server asked to try later: {reply}") from error
        raise JobRefused(f"The mail server refused the message: {reply}") from error
    except smtplib.SMTPException as error:
        raise JobRefused(f"The mail server could not take the message: {error}") from error
    except (ConnectionError, TimeoutError):
        raise
    except OSError as error:  # a name that does not resolve, no route to the host...
        raise MailDeferred(f"The mail server cannot be reached: {error}") from error
    progress.advance(1)
    return {
        "message_id": params["message_id"],
        "sent_at": timezone.now().isoformat(),
        "recipients": len(params["to"]),
    }
