"""Re-make the README's pictures from the demo data: `make docs-images` (needs poppler-utils and
Chromium, which `make test` installs).

- docs/jd-pdf-page1.png: page 1 of the demo job description's PDF;
- docs/screenshot-role.png: the Software Engineer's role page, as the demo manager sees it, taken
  with Playwright and Debian's Chromium from a development server started here for the purpose.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdbuilder.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from jdbuilder.demo import DEMO_TITLE  # noqa: E402
from jdbuilder.documents.build import build_document  # noqa: E402
from jdbuilder.documents.formats import FORMATS  # noqa: E402
from jdbuilder.models import JobDescription  # noqa: E402

DOCS = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROLE_SLUG = "software-engineer"


def pdf_page() -> None:
    jd = JobDescription.objects.filter(title=DEMO_TITLE).first()
    if jd is None:
        sys.exit("No demo job description: run `make run` (or create_demo_accounts) first.")
    revision = jd.revisions.order_by("-number").first()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "demo.pdf"
        pdf.write_bytes(FORMATS["pdf"].render(build_document(revision)))
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                shutil.which("pdftoppm") or "/usr/bin/pdftoppm",
                *("-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"),
                str(pdf),
                str(DOCS / "jd-pdf-page1"),
            ],
            check=True,
        )
    print(f"wrote {DOCS / 'jd-pdf-page1.png'}")


def manager_session() -> str:
    """A signed-in session of the demo manager, made directly: demo passwords change every run."""
    user = get_user_model().objects.get(username="manager")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def role_screenshot() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    session_key = manager_session()  # before Playwright: its event loop forbids ORM calls
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}]
            )
            page = context.new_page()
            page.goto(f"{base}/roles/{ROLE_SLUG}/")
            page.screenshot(path=str(DOCS / "screenshot-role.png"), full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {DOCS / 'screenshot-role.png'}")


if __name__ == "__main__":
    pdf_page()
    role_screenshot()
