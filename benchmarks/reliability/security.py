"""Security cases against the web app and every HTML output; each case counted with what stopped it.

* XSS: payloads in titles, text, quotes, outlet names and URLs of fictional articles (ingested as
  JSON Lines), then every HTML page and the rendered dossier are parsed and searched for injected
  elements, event-handler attributes and ``javascript:`` links.
* SSRF: POST /api/ingest with private, loopback, link-local and odd-notation URLs, DNS names that
  resolve to them, and redirects to loopback. A guard refuses any outgoing connection to a
  non-loopback address, so a failing check can never send traffic off this machine.
* Uploads: traversal file names, oversized bodies, unsupported types; write endpoints need a token
  when the server listens beyond localhost.

    python benchmarks/reliability/security.py
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
            "javascript:alert(1)", "</script><script>alert(1)</script>", "'><iframe src=javascript:alert(1)>"]
BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]


# ------------------------------------------------------------------ XSS
def xss_records() -> list[dict]:
    """Fictional articles carrying each payload in title, text, a quotation and the outlet name."""
    recs = []
    for i, p in enumerate(PAYLOADS):
        text = (f"Orlen harbour {p} reopens\n\nThe Orlen harbour reopened on Monday after repairs, officials said {p}.\n\n"
                f'"We finished the work {p} on time," harbour master Petra Lund said.\n\n'
                f"Residents of Kessel said the ferry queue was long but calm ({i}).\n")
        recs.append({"id": f"x{i}", "outlet": f"Northwire {p}", "title": f"Orlen harbour {p} reopens",
                     "published": "2025-03-03", "url": BAD_URLS[i % len(BAD_URLS)], "byline": f"By {p}",
                     "text": text})
    return recs


class _Scan(HTMLParser):
    """Collects what a browser would create: elements, attributes, script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        self._in_script = tag == "script"
        if tag in ("iframe", "object", "embed") or (tag == "img" and dict(attrs).get("src") == "x"):
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name.startswith("on") and "alert" in v:
                self.found.append(f"<{tag} {name}=...> handler")
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                    v.replace("\t", "").replace("\n", "").startswith(("javascript:", "data:text/html"))):
                self.found.append(f"<{tag} {name}={v[:30]}> link")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found.append("script body runs alert(1)")


def find_injections(html: str) -> list[str]:
    """Injected elements/attributes found in an HTML document (empty when it is safe)."""
    s = _Scan()
    s.feed(html)
    s.close()
    return s.found


# ------------------------------------------------------------------ network guard
@contextlib.contextmanager
def loopback_only():
    """Refuse (and count) any outgoing connection to a non-loopback address while active."""
    real = socket.create_connection
    attempts: list[str] = []

    def guarded(address, *a, **kw):
        host = address[0]
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            attempts.append(str(host))
            raise ConnectionRefusedError(f"test guard: no traffic to {host}")
        return real(address, *a, **kw)
    socket.create_connection = guarded
    try:
        yield attempts
    finally:
        socket.create_connection = real


FAKE_DNS = {"intranet.test": ["10.20.30.40"], "metadata.test": ["169.254.169.254"], "home.test": ["192.168.1.1"],
            "loop.test": ["127.0.0.1"], "v6loop.test": ["::1"], "mixed.test": ["93.184.215.14", "127.0.0.1"]}


def _is_ip_literal(host: str) -> bool:
    try:
        socket.inet_aton(host)  # accepts 127.1, 2130706433, 0x7f000001 as the C resolver does
        return True
    except OSError:
        try:
            socket.inet_pton(socket.AF_INET6, host)
            return True
        except OSError:
            return False


@contextlib.contextmanager
def fake_dns():
    """Names that resolve to private/loopback addresses, answered locally (no DNS query leaves)."""
    real = socket.getaddrinfo

    def answer(host, port, *a, **kw):
        if host in FAKE_DNS:
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                    for ip in FAKE_DNS[host]]
        if host != "localhost" and not _is_ip_literal(host):  # no real DNS query ever leaves
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test resolver)")
        return real(host, port, *a, **kw)
    socket.getaddrinfo = answer
    try:
        yield
    finally:
        socket.getaddrinfo = real


class _Redirector(http.server.BaseHTTPRequestHandler):
    """A loopback server that stands for a public site answering with redirects inward."""

    def log_message(self, *a):
        pass

    def do_GET(self):
        port = self.server.server_port
        target = {"/to-loopback": f"http://127.0.0.1:{port}/page", "/to-localhost": f"http://localhost:{port}/page",
                  "/to-v6": f"http://[::1]:{port}/page", "/to-intranet": "http://intranet.test/admin",
                  "/to-metadata": "http://169.254.169.254/latest/meta-data/"}.get(self.path)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        body = b"<html><body><article><p>The Skerrin lighthouse keeper retired on Sunday after forty years.</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def redirect_server():
    """Yields 'public.test:PORT', a name treated as a public host that is really this loopback server."""
    from storyscope.ingest import urls
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    real = urls.resolve

    def resolve(host, port, source, allow_private):
        return "127.0.0.1" if host == "public.test" else real(host, port, source, allow_private)
    urls.resolve = resolve
    try:
        yield f"public.test:{srv.server_port}"
    finally:
        urls.resolve = real
        srv.shutdown()


def ssrf_urls(public: str) -> list[str]:
    lit = ["http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0.0.0.0/",
           "http://localhost/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/",
           "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
           "http://[fe80::1]/", "http://[fd00::1]/", "http://100.64.0.1/"]
    dns = [f"http://{h}/x" for h in FAKE_DNS]
    redirects = [f"http://{public}/{p}" for p in ("to-loopback", "to-localhost", "to-v6", "to-intranet", "to-metadata")]
    schemes = ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/x", "/etc/passwd",
               "../../../../etc/passwd", "~/.ssh/id_rsa", "/etc/*"]
    return lit + dns + redirects + schemes


def wait_job(client, job_id: str, timeout: float = 180) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        j = client.get(f"/api/jobs/{job_id}").json()
        if j["state"] in ("done", "failed"):
            return j
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not finish in {timeout} s")


def _stopped_by(err: str) -> str:
    return ("private/loopback refusal" if "refused" in err else "scheme refused" if "unsupported URL" in err
            else "cannot resolve" if "resolve" in err else "only http(s) accepted" if "only http" in err
            else err[:80] or "NOT STOPPED")


def run_ssrf(client) -> list[dict]:
    """Every http(s) URL in one POST /api/ingest job (one error line each); other schemes one request each."""
    rows = []
    with loopback_only() as attempts, fake_dns(), redirect_server() as public:
        ok_job = wait_job(client, client.post("/api/ingest", json={"urls": [f"http://{public}/page"]}).json()["id"])
        urls = ssrf_urls(public)
        web = [u for u in urls if u.startswith("http")]
        job = wait_job(client, client.post("/api/ingest", json={"urls": web}).json()["id"])
        for url in web:
            err = next((e for e in job["errors"] if e.startswith(url + ": ")), "")
            rows.append({"url": url, "stopped_by": _stopped_by(err), "stopped": bool(err), "error": err[:200]})
        rows.append({"url": "(job) articles added by the SSRF job", "stopped_by": str(job["added"]),
                     "stopped": job["added"] == 0, "control": True, "error": ""})
        for url in [u for u in urls if not u.startswith("http")]:
            r = client.post("/api/ingest", json={"urls": [url]})
            err = r.json().get("detail", "") if r.status_code == 422 else ""
            rows.append({"url": url, "stopped_by": _stopped_by(err), "stopped": r.status_code == 422, "error": err})
        rows.append({"url": f"http://{public}/page (control: public page)", "stopped_by": "not stopped (expected)",
                     "stopped": ok_job["added"] == 0, "control": True, "error": " ".join(ok_job["errors"])})
        rows.append({"url": "(guard) outgoing non-loopback connections attempted", "control": True,
                     "stopped_by": ", ".join(attempts) or "none attempted", "stopped": not attempts})
    return rows


# ------------------------------------------------------------------ uploads and tokens
TRAVERSAL_NAMES = ["../../etc/passwd.txt", "/etc/passwd.txt", "..\\..\\..\\windows\\win.txt", "....//....//x.txt",
                   "%2e%2e%2f%2e%2e%2fx.txt", "dir/../../../y.jsonl", "~/.bashrc.txt", "C:\\evil\\z.html",
                   "a\x00b.txt", "<img src=x onerror=alert(1)>.txt"]
ARTICLE = b"Kessel dam inspected\n\nThe Kessel dam was inspected on Tuesday, engineers said, and found sound.\n"


def run_uploads(client, sandbox: Path) -> list[dict]:
    """Traversal names: where each upload was written (must be a generated name in a fresh temp dir)."""
    rows = []
    before = {p for p in sandbox.rglob("*")}
    for name in TRAVERSAL_NAMES:
        r = client.post("/api/ingest", files=[("files", (name, ARTICLE, "text/plain"))])
        if r.status_code != 202:
            rows.append({"filename": name, "status": r.status_code, "stopped_by": r.json().get("detail", "")[:80],
                         "outside": False})
            continue
        job = wait_job(client, r.json()["id"])
        inputs = job["inputs"]
        outside = [p for p in inputs if not (Path(p).parent.name.startswith("storyscope-upload-")
                                             and Path(p).parent.parent == Path(tempfile.gettempdir()))]
        rows.append({"filename": name, "status": 202, "written_as": [Path(p).name for p in inputs],
                     "stopped_by": "client name dropped; generated name in a fresh temp dir",
                     "outside": bool(outside)})
    stray = [str(p) for p in sandbox.rglob("*") if p not in before and "storyscope-upload-" not in str(p)
             and not p.name.endswith((".db", ".db-wal", ".db-shm"))]
    rows.append({"filename": "(check) new files outside upload dirs", "status": None, "written_as": stray,
                 "stopped_by": "none" if not stray else "NOT STOPPED", "outside": bool(stray)})
    for p in ("/etc/passwd.txt", "/x.txt", str(Path.home() / ".bashrc.txt")):
        if Path(p).exists():
            rows.append({"filename": p, "status": None, "stopped_by": "NOT STOPPED: file exists", "outside": True})
    return rows


def run_size_and_type(client, max_bytes: int) -> list[dict]:
    rows = []
    big = b"a" * (max_bytes + 1)
    for route in ("/api/ingest", "/ingest"):
        r = client.post(route, files=[("files", ("big.txt", big, "text/plain"))], follow_redirects=False)
        rows.append({"case": f"{route} upload of {len(big)} bytes", "status": r.status_code, "expected": 413})
    r = client.post("/api/ingest", files=[("files", ("run.exe", b"MZ\x90\x00", "application/octet-stream"))])
    rows.append({"case": "upload run.exe", "status": r.status_code, "expected": 415})
    r = client.post("/api/ingest", files=[("files", ("ok.txt", b"", "text/plain"))])
    rows.append({"case": "empty upload", "status": r.status_code, "expected": 202})
    return rows


def run_tokens(db: str) -> list[dict]:
    from fastapi.testclient import TestClient
    from storyscope.errors import StoryscopeError
    from storyscope.web.app import create_app
    rows = []
    try:
        create_app(db, token=None, host="0.0.0.0")
        rows.append({"case": "serve on 0.0.0.0 without a token", "status": "started", "expected": "refused"})
    except StoryscopeError:
        rows.append({"case": "serve on 0.0.0.0 without a token", "status": "refused", "expected": "refused"})
    c = TestClient(create_app(db, token="s3cret-token", host="0.0.0.0"))
    cases = [("POST /api/ingest no token", lambda: c.post("/api/ingest", json={"urls": []}), 401),
             ("POST /api/ingest wrong token", lambda: c.post("/api/ingest", json={"urls": []},
                                                             headers={"Authorization": "Bearer nope"}), 401),
             ("POST /api/ingest empty bearer", lambda: c.post("/api/ingest", json={"urls": []},
                                                              headers={"Authorization": "Bearer "}), 401),
             ("POST /ingest form no token", lambda: c.post("/ingest", data={"urls": "http://10.0.0.1/"},
                                                           follow_redirects=False), 401),
             ("POST /ingest form wrong token", lambda: c.post("/ingest", data={"urls": "x", "token": "nope"},
                                                              follow_redirects=False), 401),
             ("POST /api/ingest right token, nothing to do", lambda: c.post(
                 "/api/ingest", json={"urls": []}, headers={"X-Storyscope-Token": "s3cret-token"}), 422),
             ("GET / (read) without token", lambda: c.get("/"), 200)]
    for name, call, want in cases:
        rows.append({"case": name, "status": call().status_code, "expected": want})
    return rows


# ------------------------------------------------------------------ pages
def build_store(db: str, folder: Path) -> dict:
    """Ingest the payload articles, read and group them; returns what was stored."""
    from storyscope.workspace import Workspace
    src = folder / "xss.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in xss_records()) + "\n", encoding="utf-8")
    errs: list[str] = []
    with Workspace(db) as ws:
        rep = ws.ingest([str(src)], on_error=lambda e: errs.append(str(e)))
        ws.analyze(on_error=lambda e: errs.append(str(e)))
        ws.group()
        quotes = sum(len(ws.layers(a.id).get("quotes", [])) for a in ws.articles())
    return {"added": len(rep.added), "errors": errs, "quote_spans": quotes}


def page_urls(client) -> list[str]:
    arts = client.get("/api/articles").json()
    stories = client.get("/api/stories").json()
    outlets = sorted({a["outlet"] for a in arts if a["outlet"]})
    from urllib.parse import quote
    urls = ["/", "/ingest", "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/?outlet=%22%3E%3Csvg%20onload%3Dalert(1)%3E"]
    urls += [f"/articles/{a['id']}" for a in arts] + [f"/stories/{s['id']}" for s in stories]
    urls += [f"/outlets/{quote(o, safe='')}" for o in outlets]
    return urls


def run_xss_pages(client) -> list[dict]:
    rows = []
    # a job whose error messages carry payloads (URL and upload names end up on the job page)
    with fake_dns():
        r = client.post("/api/ingest", json={"urls": ["http://<script>alert(1)</script>/",
                                                      "http://x.test/<img src=x onerror=alert(1)>"]})
        job = wait_job(client, r.json()["id"])
    for url in page_urls(client) + [f"/jobs/{job['id']}"]:
        resp = client.get(url)
        found = find_injections(resp.text) if resp.status_code == 200 else []
        rows.append({"page": url, "status": resp.status_code, "injections": found,
                     "payload_text_present": any(p in resp.text for p in ("alert(1)",))})
    return rows


def run_dossier_outputs(db: str) -> list[dict]:
    """The dossier as the CLI writes it (HTML), and Markdown checked for raw HTML tags."""
    from storyscope.dossier.render import render
    from storyscope.workspace import Workspace
    with Workspace(db) as ws:
        d = ws.dossier()
    html = render(d, "html")
    md = render(d, "md")
    import re  # CommonMark: a backslash-escaped "<" is literal text, an unescaped one may open raw HTML
    raw = sorted({m.group(0) for m in re.finditer(r"(?<!\\)<(?:script|img|svg|iframe)\b", md)})
    return [{"output": "dossier.html (all stories)", "injections": find_injections(html)},
            {"output": "dossier.md (unescaped HTML tags)", "injections": raw}]


def run_all(workdir: str | None = None) -> dict:
    from fastapi.testclient import TestClient
    from storyscope.web.app import MAX_UPLOAD_BYTES, create_app
    sandbox = Path(workdir or tempfile.mkdtemp(prefix="storyscope-sec-"))
    tempfile.tempdir = str(sandbox / "tmp")
    (sandbox / "tmp").mkdir(exist_ok=True)
    db = str(sandbox / "sec.db")
    out: dict = {"store": build_store(db, sandbox)}
    client = TestClient(create_app(db), raise_server_exceptions=False)
    try:
        out["pages"] = run_xss_pages(client)
    except Exception as e:  # noqa: BLE001 - e.g. a comparison module still missing
        out["pages_error"] = f"{e.__class__.__name__}: {e}"
    try:
        out["dossier_outputs"] = run_dossier_outputs(db)
    except Exception as e:  # noqa: BLE001
        out["dossier_error"] = f"{e.__class__.__name__}: {e}"
    out["ssrf"] = run_ssrf(client)
    out["uploads"] = run_uploads(client, sandbox)
    out["size_and_type"] = run_size_and_type(client, MAX_UPLOAD_BYTES)
    out["tokens"] = run_tokens(db)
    pages = out.get("pages", [])
    out["summary"] = {
        "xss_payloads": len(PAYLOADS), "xss_fields": ["title", "text", "quote", "outlet", "byline", "url"],
        "pages_checked": len(pages), "pages_with_injection": sum(bool(p["injections"]) for p in pages),
        "pages_not_200": [p["page"] for p in pages if p["status"] != 200],
        "dossier_outputs_with_injection": sum(bool(d["injections"]) for d in out.get("dossier_outputs", [])),
        "ssrf_cases": sum(not r.get("control") and not r["url"].startswith("(") for r in out["ssrf"]),
        "ssrf_not_stopped": [r["url"] for r in out["ssrf"] if not r["stopped"] and "expected" not in r["stopped_by"]],
        "ssrf_stopped_by": {k: sum(r["stopped_by"] == k for r in out["ssrf"] if not r.get("control"))
                            for k in {r["stopped_by"] for r in out["ssrf"] if not r.get("control")}},
        "upload_name_cases": len(TRAVERSAL_NAMES), "written_outside": sum(r["outside"] for r in out["uploads"]),
        "size_type_cases": len(out["size_and_type"]),
        "size_type_wrong": [r for r in out["size_and_type"] if r["status"] != r["expected"]],
        "token_cases": len(out["tokens"]), "token_wrong": [r for r in out["tokens"] if r["status"] != r["expected"]],
    }
    return out


def main() -> None:
    res = run_all()
    text = json.dumps(res, indent=2, default=str)
    if len(sys.argv) > 2 and sys.argv[1] == "--out":
        Path(sys.argv[2]).write_text(text)
    print(json.dumps(res["summary"], indent=2))


if __name__ == "__main__":
    main()
