"""Safe fetching of URLs: timeouts, size limits, content-type checks, and no private targets.

Every hop (including redirects) is resolved once and the connection goes to the vetted IP, so a
DNS answer cannot change between the check and the request (rebinding).
"""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from storyscope import errors
from storyscope.errors import InputError

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0
MAX_REDIRECTS = 5
ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
                 "application/xml", "text/xml", "text/plain", "application/json", "application/x-ndjson",
                 "application/jsonl", "application/feed+json")
USER_AGENT = "Storyscope/0.1 (+https://example.org/storyscope)"


@dataclass
class Fetched:
    url: str
    content_type: str
    data: bytes
    charset: str | None = None  # the Content-Type header's charset parameter, if any


def is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not (addr.is_private or addr.is_loopback or addr.is_link_local
                                   or addr.is_multicast or addr.is_reserved or addr.is_unspecified)


def resolve(host: str, port: int, source: str, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise InputError(source, errors.UNRESOLVED_HOST.format(host=host, detail=e.strerror))
    ips = [i[4][0] for i in infos]
    if not allow_private:
        for ip in ips:  # every answer must be public, or a second lookup could pick the bad one
            if not is_public(ip):
                raise InputError(source, errors.PRIVATE_ADDRESS.format(host=host, ip=ip))
    return ips[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, *, allow_private: bool = False, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    source = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(source, errors.UNSUPPORTED_URL.format(url=url))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve(parts.hostname, port, source, allow_private)
        cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        conn = cls(parts.hostname, port, ip, timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(ALLOWED_TYPES)})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                loc = resp.getheader("Location")
                conn.close()
                if not loc:
                    raise InputError(source, errors.HTTP_STATUS.format(status=resp.status))
                url = urljoin(url, loc)
                continue
            if resp.status != 200:
                raise InputError(source, errors.HTTP_STATUS.format(status=resp.status))
            header = resp.getheader("Content-Type") or ""
            ctype = header.split(";")[0].strip().lower()
            cs = re.search(r";\s*charset\s*=\s*[\"']?([\w.:-]+)", header, re.I)
            if ctype and not ctype.startswith(ALLOWED_TYPES):
                raise InputError(source, errors.BAD_CONTENT_TYPE.format(ctype=ctype))
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(source, errors.TOO_LARGE.format(limit=max_bytes))
            data = resp.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(source, errors.TOO_LARGE.format(limit=max_bytes))
            return Fetched(url, ctype, data, cs.group(1) if cs else None)
        except (socket.timeout, TimeoutError):
            raise InputError(source, errors.URL_TIMEOUT.format(seconds=timeout))
        except (OSError, http.client.HTTPException) as e:
            if isinstance(e, InputError):
                raise
            raise InputError(source, errors.CONNECTION_FAILED.format(detail=f"{e.__class__.__name__}: {e}"))
        finally:
            conn.close()
    raise InputError(source, errors.TOO_MANY_REDIRECTS)
