"""Re-make the README's pictures from the demo data: `make docs-images` (needs poppler-utils).

Renders page 1 of the demo job description's PDF to docs/jd-pdf-page1.png.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdbuilder.settings")
django.setup()

from jdbuilder.demo import DEMO_TITLE  # noqa: E402
from jdbuilder.documents.build import build_document  # noqa: E402
from jdbuilder.documents.formats import FORMATS  # noqa: E402
from jdbuilder.models import JobDescription  # noqa: E402

DOCS = Path(__file__).resolve().parent


def main() -> None:
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
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(DOCS / "jd-pdf-page1"),
            ],
            check=True,
        )
    print(f"wrote {DOCS / 'jd-pdf-page1.png'}")


if __name__ == "__main__":
    main()
