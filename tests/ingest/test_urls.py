"""URL fetching against a real local HTTP server: limits, content types, and SSRF refusal."""
from __future__ import annotations

import http.server
import threading
import time

import pytest

from storyscope.errors import InputError
from storyscope.ingest import urls

PAGE = (b"<html><head><title>Lighthouse keeper retires</title></head><body><article><h1>Lighthouse keeper "
        b"retires</h1><p>After forty years on the Skerrin rock, keeper Odile Vance handed over the lamp on Sunday, "
        b"the harbour office said, calling her service remarkable and steady.</p></article></body></html>")


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/page":
            self._send(200, "text/html", PAGE)
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, "text/html", PAGE)
        elif self.path == "/binary":
            self._send(200, "application/octet-stream", b"\x00" * 10)
        elif self.path == "/big":
            self._send(200, "text/html", b"a" * (urls.MAX_BYTES + 10))
        elif self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/page")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:
            pass


@pytest.fixture(scope="module")
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def public_alias(monkeypatch, server):
    """'news.test' stands for a public host that happens to live on this machine."""
    real = urls.resolve

    def fake(host, port, source, allow_private):
        return "127.0.0.1" if host == "news.test" else real(host, port, source, allow_private)
    monkeypatch.setattr(urls, "resolve", fake)
    return f"news.test:{server.split(':')[1]}"


def test_loopback_refused_by_default(server):
    with pytest.raises(InputError, match="private, loopback"):
        urls.fetch(f"http://{server}/page")


@pytest.mark.parametrize("host", ["localhost", "10.1.2.3", "169.254.169.254", "[::1]", "192.168.0.1"])
def test_private_targets_refused(host):
    with pytest.raises(InputError, match="refused"):
        urls.fetch(f"http://{host}/x", timeout=1)


def test_allowed_when_explicit(server):
    got = urls.fetch(f"http://{server}/page", allow_private=True)
    assert got.content_type == "text/html" and b"Skerrin" in got.data


def test_redirect_to_private_refused(public_alias):
    assert b"Skerrin" in urls.fetch(f"http://{public_alias}/page").data
    with pytest.raises(InputError, match="refused"):
        urls.fetch(f"http://{public_alias}/to-private")


def test_timeout_content_type_size(server):
    with pytest.raises(InputError, match="timed out"):
        urls.fetch(f"http://{server}/slow", allow_private=True, timeout=0.5)
    with pytest.raises(InputError, match="content type"):
        urls.fetch(f"http://{server}/binary", allow_private=True)
    with pytest.raises(InputError, match="limit"):
        urls.fetch(f"http://{server}/big", allow_private=True)


def test_ingest_url_end_to_end(ws, server):
    errs = []
    rep = ws.ingest([f"http://{server}/page", f"http://{server}/missing"], allow_private=True, on_error=errs.append)
    assert len(rep.added) == 1 and len(errs) == 1 and "404" in str(errs[0])
    assert ws.article(rep.added[0]).title == "Lighthouse keeper retires"
