"""XSS, SSRF, local-file, upload and token cases against the real app over a temporary store.

The cases and the HTML scanner live in benchmarks/reliability/security.py (which also counts
them for RELIABILITY.md); here each must hold. No traffic leaves loopback: a guard refuses any
other connection and a local resolver answers the test names.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyscope.web.app import MAX_UPLOAD_BYTES, create_app

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
import security  # noqa: E402


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    sandbox = tmp_path_factory.mktemp("sec")
    db = str(sandbox / "sec.db")
    stored = security.build_store(db, sandbox)
    return {"db": db, "sandbox": sandbox, "stored": stored,
            "client": TestClient(create_app(db), raise_server_exceptions=False)}


def test_scanner_finds_what_it_should():
    assert security.find_injections("<p><img src=x onerror=alert(1)></p>")
    assert security.find_injections('<a href=" JavaScript:alert(1)">x</a>')
    assert security.find_injections("<script>var s='</script><script>alert(1)</script>'</script>")
    assert not security.find_injections("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")


def test_payload_articles_are_stored_with_quotes(env):
    assert env["stored"]["added"] == len(security.PAYLOADS) and not env["stored"]["errors"]
    assert env["stored"]["quote_spans"] >= len(security.PAYLOADS)


def test_no_injection_in_any_page(env):
    rows = security.run_xss_pages(env["client"])
    kinds = {r["page"].split("/")[1].split("?")[0] for r in rows}
    assert {"", "ingest", "articles", "stories", "outlets", "jobs"} <= kinds
    assert [r for r in rows if r["status"] != 200] == []
    assert [r for r in rows if r["injections"]] == []
    assert any(r["payload_text_present"] for r in rows)  # the payloads are shown, as text


def test_dossier_outputs_have_no_injection(env):
    rows = security.run_dossier_outputs(env["db"])
    assert [r["output"] for r in rows] == ["dossier.html (all stories)", "dossier.md (unescaped HTML tags)"]
    assert [r for r in rows if r["injections"]] == []


def test_ssrf_every_case_stopped_and_no_traffic_leaves(env):
    rows = security.run_ssrf(env["client"])
    control = [r for r in rows if "control: public page" in r["url"]]
    assert control and not control[0]["stopped"]  # the check does not refuse everything
    guard = [r for r in rows if r["url"].startswith("(guard)")]
    assert guard[0]["stopped"], guard
    bad = [r for r in rows if not r.get("control") and not r["stopped"]]
    assert bad == []
    assert sum(not r.get("control") for r in rows) >= 30


def test_upload_names_never_escape_the_upload_dir(env):
    rows = security.run_uploads(env["client"], env["sandbox"])
    assert [r for r in rows if r["outside"]] == []
    written = [n for r in rows for n in r.get("written_as", [])]
    assert written and all(n[:4].isdigit() and "/" not in n and ".." not in n for n in written)


def test_oversized_and_unsupported_uploads(env):
    rows = security.run_size_and_type(env["client"], MAX_UPLOAD_BYTES)
    assert [(r["case"], r["status"]) for r in rows if r["status"] != r["expected"]] == []


def test_write_endpoints_need_a_token_beyond_localhost(env):
    rows = security.run_tokens(env["db"])
    assert [r for r in rows if r["status"] != r["expected"]] == []


def test_local_paths_are_not_ingested_through_the_api(env):
    c = env["client"]
    before = len(c.get("/api/articles").json())
    for bad in ("/etc/passwd", "../../etc/hostname", str(Path(tempfile.gettempdir()))):
        r = c.post("/api/ingest", json={"urls": [bad]})
        assert r.status_code == 422 and "only http and https" in r.json()["detail"]
    r = c.post("/ingest", data={"urls": "/etc/passwd"}, follow_redirects=False)
    assert r.status_code == 422
    assert len(c.get("/api/articles").json()) == before
