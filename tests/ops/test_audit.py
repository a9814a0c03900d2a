"""`make audit` (.ci/audit) tells a vulnerable pin (fails) from an advisory service that cannot
be reached (passes, loudly, unless AUDIT_REQUIRED=1), and probes the service before trusting it.
pip-audit and the service are faked: nothing here reaches the network.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import urllib.error
from importlib.machinery import SourceFileLoader

import pytest

from tests.ops import ROOT


@pytest.fixture
def audit(monkeypatch):
    """.ci/audit as a module, with the environment variables it reads cleared."""
    loader = SourceFileLoader("ci_audit", str(ROOT / ".ci" / "audit"))
    spec = importlib.util.spec_from_loader("ci_audit", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    for name in ("AUDIT_OFFLINE", "AUDIT_REQUIRED", "AUDIT_SERVICE"):
        monkeypatch.delenv(name, raising=False)
    return module


def fake_pip_audit(monkeypatch, audit, status: int) -> list:
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, status)

    monkeypatch.setattr(audit.subprocess, "run", run)
    return calls


def fake_service(monkeypatch, audit, *answers) -> None:
    """Each probe of the advisory service gets the next answer: None (it answered) or a problem."""
    remaining = list(answers)
    monkeypatch.setattr(audit, "service_problem", lambda service: remaining.pop(0))


class TestAuditTellsVulnerableFromUnreachable:
    def test_a_vulnerability_fails(self, audit, monkeypatch, capsys):
        fake_service(monkeypatch, audit, None, None)
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 1
        assert "FAILED" in capsys.readouterr().out
        (command,) = calls
        assert command[1:3] == ["-m", "pip_audit"]
        assert {"--strict", "--no-deps", "--disable-pip"} <= set(command)
        assert command[command.index("--requirement") + 1] == str(ROOT / "requirements.txt")

    def test_no_vulnerability_passes(self, audit, monkeypatch, capsys):
        fake_service(monkeypatch, audit, None)
        fake_pip_audit(monkeypatch, audit, 0)
        assert audit.main() == 0
        assert "no known vulnerability" in capsys.readouterr().out

    def test_an_unreachable_service_passes_loudly_without_running_pip_audit(
        self, audit, monkeypatch, capsys
    ):
        fake_service(monkeypatch, audit, "api.osv.dev did not answer")
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        out = capsys.readouterr().out
        assert "COULD NOT BE REACHED - NOTHING WAS AUDITED" in out and "!!!!" in out
        assert calls == []

    def test_an_unreachable_service_fails_when_an_audit_is_required(
        self, audit, monkeypatch, capsys
    ):
        monkeypatch.setenv("AUDIT_REQUIRED", "1")
        fake_service(monkeypatch, audit, "pypi.org answered HTTP 503")
        assert audit.main() == 1
        assert "FAILING, as AUDIT_REQUIRED=1 asks" in capsys.readouterr().out

    def test_a_service_lost_during_the_audit_is_an_outage_not_a_finding(
        self, audit, monkeypatch, capsys
    ):
        fake_service(monkeypatch, audit, None, "pypi.org did not answer")
        fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        assert "NOTHING WAS AUDITED" in capsys.readouterr().out

    def test_offline_skips_loudly_and_asks_nobody(self, audit, monkeypatch, capsys):
        monkeypatch.setenv("AUDIT_OFFLINE", "1")
        fake_service(monkeypatch, audit)  # any probe would pop from an empty list
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        assert "SKIPPED (AUDIT_OFFLINE=1)" in capsys.readouterr().out and calls == []

    @pytest.mark.parametrize(
        ("answer", "problem"),
        [
            (urllib.error.URLError("Name or service not known"), "did not answer"),
            (urllib.error.HTTPError("https://x", 404, "Not Found", {}, None), "HTTP 404"),
            (b"<html>a captive portal</html>", "did not answer"),
            (b'{"info": {}}', "not an advisory record"),
            (b'{"info": {}, "vulnerabilities": []}', None),
        ],
    )
    def test_the_probe_of_the_pypi_service(self, audit, monkeypatch, answer, problem):
        def urlopen(request, timeout):
            assert request.full_url.startswith("https://pypi.org/pypi/Django/")
            if isinstance(answer, Exception):
                raise answer
            return io.BytesIO(answer)

        monkeypatch.setattr(audit.urllib.request, "urlopen", urlopen)
        found = audit.service_problem("pypi")
        assert found is None if problem is None else problem in found
