"""Character encodings of saved pages and fetched bytes: what the bytes declare, checked, then detected.

Order (after the WHATWG encoding sniffing algorithm, https://html.spec.whatwg.org/#encoding-sniffing-algorithm):
a byte-order mark; valid UTF-8 (a non-ASCII text that decodes as UTF-8 is practically never anything
else); the charset the HTTP header, ``<meta charset>``, ``<meta http-equiv="Content-Type">`` or the XML
declaration names, when the bytes decode in it; UTF-8 with replacement characters when only a few
bytes are broken; else charset-normalizer's detection. Labels map to the encodings browsers use for
them (WHATWG Encoding Standard: ``iso-8859-1`` is windows-1252, ``gb2312`` is GB18030, ...).
"""
from __future__ import annotations

import codecs
import re

# WHATWG Encoding Standard: labels browsers decode as a superset encoding.
_SUPERSETS = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
              "iso8859-11": "cp874", "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
              "euc_kr": "cp949", "shift_jis": "cp932", "big5": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
BROKEN_UTF8_SHARE = 0.05  # at most this share of non-ASCII characters broken: UTF-8 with a few bad bytes


def canonical(label: str | None) -> str | None:
    """Python codec name for a charset label as browsers read it, or None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def declared_charset(data: bytes) -> str | None:
    """The charset the document itself declares (XML declaration, then <meta>), as a codec name."""
    head = data[:8192]
    m = _XML_DECL.match(head) or _META.search(head)
    return canonical(m.group(1).decode("ascii", "replace")) if m else None


def bom_encoding(data: bytes) -> str | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


def decode_bytes(data: bytes, http_charset: str | None = None, markup: bool = True) -> tuple[str, str]:
    """(text, encoding used) for bytes of a page or a text file; never raises on undecodable bytes.

    ``http_charset``: the charset of an HTTP Content-Type header, if any. ``markup``: read the
    document's own declarations too (HTML/XML). Detection: charset-normalizer."""
    enc = bom_encoding(data)
    if enc:
        return data.decode(enc, "replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for label in (canonical(http_charset), declared_charset(data) if markup else None):
        if label and label != "utf-8":
            try:
                return data.decode(label), label
            except (UnicodeDecodeError, LookupError):
                continue
    loose = data.decode("utf-8", "replace")
    non_ascii = sum(1 for c in loose if ord(c) > 127)
    if loose.count("\ufffd") <= BROKEN_UTF8_SHARE * non_ascii:
        return loose, "utf-8"
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("cp1252", "replace"), "cp1252"
