"""Helpers for the review e-mail tests: a real SMTP server (aiosmtpd) on a free port, flows
built from plain dicts, and the approvals' URLs the e-mails link to.

`running_smtp_server(settings)` points Django's SMTP backend at a fresh server and yields its
`Mailbox`; `Mailbox.parsed()` gives each message it accepted as a `Received`.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator

from aiosmtpd.controller import Controller

from jdbuilder.approvals import services
from tests.support.approvals import flow_with  # noqa: F401  (the notification tests' flows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts; answers with `rcpt_answers` /
    `data_answers` (in order) before it starts accepting."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.rcpt_answers: list[str] = []
        self.data_answers: list[str] = []
        self.rcpt_calls = 0
        self.data_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpt_calls += 1
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.data_calls += 1
        if self.data_answers:
            return self.data_answers.pop(0)
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[Received]:
        return [Received(recipients, raw) for recipients, raw in self.messages]

    def to(self, address: str) -> list[Received]:
        return [message for message in self.parsed() if message.recipients == [address]]

    def clear(self) -> None:
        self.messages.clear()


class Received:
    """One message the server accepted: its envelope, headers and both bodies."""

    def __init__(self, recipients: list[str], raw: bytes) -> None:
        self.recipients = recipients
        self.raw = raw
        self.message = email.message_from_bytes(raw, policy=email.policy.default)
        self.subject = self.message["Subject"]
        # Bodies with their lines ended as Python writes them (SMTP sends CRLF).
        self.text = self._body("plain")
        self.html = self._body("html")

    def _body(self, subtype: str) -> str:
        content = self.message.get_body(preferencelist=(subtype,)).get_content()
        return content.replace("\r\n", "\n")

    def __repr__(self) -> str:
        return f"<Received to {self.recipients}: {self.subject!r}>"


@contextlib.contextmanager
def running_smtp_server(settings) -> Iterator[Mailbox]:
    """A real SMTP server on a free port for the duration, with Django's SMTP backend pointed
    at it (`settings`: pytest-django's fixture); yields its Mailbox. A test module makes it its
    fixture: `with running_smtp_server(settings) as mailbox: yield mailbox`."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield mailbox
    finally:
        controller.stop()


# --- flows and submissions -----------------------------------------------------------------------


def submit(jd, capture):
    """Submit `jd` as its owner, running what commits (the e-mail jobs) at once."""
    with capture(execute=True):
        submitted = services.submit_job_description(
            job_description=jd, user=jd.owner, expected_version=jd.lock_version
        )
    return submitted.submission


def decide(action, submission, user, capture, **kwargs):
    """`action` (services.approve, return_for_changes, reject) on the current stage."""
    stage = services.current_stage(submission)
    with capture(execute=True):
        return action(submission=submission, user=user, stage_id=stage.pk, **kwargs)
