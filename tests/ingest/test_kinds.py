"""Each kind of page-reading failure of issue 17, on fictional pages written for these tests."""
from __future__ import annotations

import pytest

from storyscope import errors
from storyscope.ingest import expand, read_bytes, read_sources, sniff
from storyscope.ingest.credits import clean_title, split_author_field
from storyscope.ingest.detect import detect_furniture
from storyscope.ingest.feeds import feed_date

PL = ["Rada miasta Orlen zagłosowała w poniedziałek za budową nowego mostu nad rzeką Wisłoką, bliżej centrum.",
      "Burmistrz Halina Żmuda powiedziała, że prace ruszą jesienią i potrwają dwa lata, a koszt wyniesie 40 mln zł.",
      "Mieszkańcy dzielnicy Dróżki od lat skarżą się na korki na starym moście, który jest zbyt wąski."]
ZH = ["奥伦市议会周一投票决定在河上修建一座新桥，工程将于秋季开始。",
      "市长玛拉·特尔克表示，新桥将缓解老城区的交通拥堵，预计两年内完工。",
      "居民们说，他们已经等待这座桥很多年了，希望工程不会再推迟。"]


def _page(charset: str, title: str, paras: list[str], head: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title>{head}</head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def _one(data: bytes, name: str = "page.html", url: str = ""):
    (art, debris), = list(read_bytes(data, name, path=name, url=url))
    return art, debris


@pytest.mark.parametrize("charset,encoding,paras,probe", [
    ("windows-1250", "cp1250", PL, "bliżej centrum"),
    ("iso-8859-2", "iso-8859-2", PL, "Halina Żmuda"),
    ("gb2312", "gbk", ZH, "市长玛拉·特尔克"),
])
def test_declared_charset_is_read(charset, encoding, paras, probe):
    art, _ = _one(_page(charset, "Most w Orlen", paras).encode(encoding))
    assert probe in art.text and "\ufffd" not in art.text


def test_xml_declaration_and_http_charset_are_read():
    xhtml = '<?xml version="1.0" encoding="windows-1250"?>\n' + _page("x", "Most", PL).replace('<meta charset="x">', "")
    art, _ = _one(xhtml.encode("cp1250"), "page.xhtml")
    assert "bliżej centrum" in art.text
    undeclared = _page("x", "Most", PL).replace('<meta charset="x">', "")
    (art, _), = list(read_bytes(undeclared.encode("cp1250"), "u", url="https://orlen.example/most",
                                kind="html", http_charset="windows-1250"))
    assert "Halina Żmuda" in art.text


def test_title_loses_the_site_name_only():
    names = ["The Orlen Courier"]
    assert clean_title("Bridge vote passes | The Orlen Courier", names) == "Bridge vote passes"
    assert clean_title("Orlen Courier - Bridge vote passes", ["Orlen Courier"]) == "Bridge vote passes"
    assert clean_title("Bridge vote passes - Orlen Courier", [], "https://www.orlencourier.example/a") == \
        "Bridge vote passes"
    assert clean_title("Mayor: 'We will build it' | Politics", names) == "Mayor: 'We will build it' | Politics"
    assert clean_title("Orlen - the town that waited", names) == "Orlen - the town that waited"


def test_author_fields_split_into_byline_and_wire_credit():
    assert split_author_field("MIRA TELK; HAL BRIN; AP") == ("Mira Telk, Hal Brin", "AP")
    assert split_author_field("AFP; The Orlen Local", ["The Orlen Local"]) == ("", "AFP")
    assert split_author_field("CNN Wire") == ("", "CNN Wire")
    assert split_author_field("Reuters") == ("", "Reuters")
    assert split_author_field("Reuters Staff") == ("", "Reuters")
    assert split_author_field("hal/PAP") == ("", "PAP")
    assert split_author_field("Zum Profil von orlenfan orlenfan") == ("", "")
    for junk in ("No Author", "Account You're logged", "Orlen News February", "admin"):
        assert split_author_field(junk, ["Orlen News"])[0] == ""
    assert split_author_field("Orlen Courier", ["Orlen Courier"]) == ("", "")
    assert split_author_field("By Sofia Renn and Ilse Marek") == ("Sofia Renn, Ilse Marek", "")


def test_page_keeps_canonical_url_credit_and_byline():
    head = ('<link rel="canonical" href="https://orlen-courier.example/2025/04/02/bridge">'
            '<meta property="og:site_name" content="Orlen Courier"><meta name="author" content="Mira Telk; AFP">')
    art, _ = _one(_page("utf-8", "Bridge vote passes | Orlen Courier", PL[:1] * 3, head).encode())
    assert art.url == "https://orlen-courier.example/2025/04/02/bridge"
    assert art.title == "Bridge vote passes" and art.credit == "AFP" and art.byline == "Mira Telk"
    og = _page("utf-8", "Bridge", PL, '<meta property="og:url" content="https://orlen.example/b">').encode()
    assert _one(og)[0].url == "https://orlen.example/b"


def test_metadata_publication_date_over_modified_and_utc_local_day():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2025-04-09T10:00:00+02:00",'
          ' "datePublished": "2025-04-02T18:00:00+02:00"}</script>')
    art, _ = _one(_page("utf-8", "Bridge", PL, ld).encode())
    assert art.published == "2025-04-02" and art.published_source == "explicit"
    late = '<meta property="article:published_time" content="2025-04-03T02:30:00Z">'
    art, _ = _one(_page("utf-8", "Bridge", PL, late).encode(), url="https://orlen.example/2025/04/02/bridge")
    assert art.published == "2025-04-02"


def test_debris_rules_spare_quotations_and_paragraphs():
    quote = "»Wir bauen die Brücke noch in diesem Jahr«, sagte Bürgermeisterin Halina Telk am Montag in Orlen."
    captcha = ("Security researchers in Orlen said the new captcha on the council's website locked out older "
               "residents for a week before it was replaced.")
    text = f"Bridge vote\n\n{quote}\n\n{captcha}\n\n» Mehr Nachrichten\n\nThe reCAPTCHA verification period has expired.\n\nLesen Sie auch: Orlen plant neue Buslinie\n"
    f = detect_furniture(text)
    hidden = {text[s.start:s.end]: s.label for s in f.debris}
    assert quote not in hidden and captcha not in hidden
    assert hidden["» Mehr Nachrichten"] == "nav"
    assert hidden["The reCAPTCHA verification period has expired."] == "captcha"
    assert hidden["Lesen Sie auch: Orlen plant neue Buslinie"] == "nav"


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b'<?xml version="1.0" encoding="utf-8"?>\n',
                                    b"<!-- saved from url=(0042)https://orlen.example/ -->\n", b"\n\n  "])
def test_html_is_sniffed_behind_bom_prologue_and_comments(prefix):
    data = prefix + _page("utf-8", "Bridge vote passes", PL).encode()
    assert sniff(data, ".php") == "html" and sniff(data, "") == "html"
    art, _ = _one(data, "page.php")
    assert art.title == "Bridge vote passes" and "<p>" not in art.text


def test_folder_walk_reads_page_suffixes_and_names_each_skipped_file(tmp_path):
    page = _page("utf-8", "Bridge vote passes", PL).encode()
    (tmp_path / "story.shtml").write_bytes(page)
    (tmp_path / "story2.php").write_bytes(b"<!-- cached -->\n" + page.replace(b"Bridge vote", b"Ferry vote"))
    (tmp_path / "saved_page").write_bytes(page.replace(b"Bridge vote", b"Dam vote"))
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04word/document.xml")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (tmp_path / "README.md").write_text("about this folder")
    errs: list = []
    got = list(read_sources([str(tmp_path)], on_error=errs.append))
    assert sorted(a.title for a, _ in got) == ["Bridge vote passes", "Dam vote passes", "Ferry vote passes"]
    lines = [str(e) for e in errs]
    assert len(lines) == 3 and all("\n" not in x for x in lines)
    assert any("report.pdf" in x and "PDF document" in x for x in lines)
    assert any("notes.docx" in x and "Word document" in x for x in lines)
    assert any("photo.jpg" in x and "'.jpg'" in x for x in lines)
    assert list(expand([str(tmp_path / "README.md")])) == [str(tmp_path / "README.md")]


@pytest.mark.parametrize("raw,day", [
    ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24"),
    ("Di, 03 Mär 2020 23:30:00 +0100", "2020-03-03"),
    ("lun., 16 mars 2020 08:00:00 +0100", "2020-03-16"),
    ("Fri, 14 Mar 2025 23:45:00 -0800", "2025-03-14"),
    ("2025-03-14T23:10:00-05:00", "2025-03-14"),
    ("2025/3/14 15:07:41", "2025-03-14"),
    ("not a date at all", None),
])
def test_feed_dates_in_any_language_keep_the_written_day(raw, day):
    assert feed_date(raw) == day


def test_feed_item_with_only_a_headline_is_reported_as_such(tmp_path):
    feed = tmp_path / "f.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Orlen Radio</title>'
                    "<item><title>Bridge vote passes</title><link>https://orlen.example/b</link></item>"
                    "</channel></rss>")
    errs: list = []
    assert not list(read_sources([str(feed)], on_error=errs.append))
    assert len(errs) == 1 and errors.HEADLINE_ONLY in str(errs[0]) and "item1" in str(errs[0])


def test_promo_credit_and_cross_link_lines_are_debris_but_sentences_about_them_are_not():
    lines = ["Anzeige, enthält Affiliate Links", "© Stadt Orlen | Mira Telk", "Crédits photos : Orlen Presse",
             "Weitere Informationen zum Brückenbau:", "Subscribe now to our Orlen edition for the full story.",
             "Bescheid | 38 KB | Datei ist nicht barrierefrei", "Inhaltsverzeichnis"]
    body = ["The Orlen council said advertisement revenue of the city's buses fell by a third last year, and it "
            "will ask the regional government to cover the gap before the summer.",
            "Fewer people subscribe to the council's paper newsletter than ten years ago, the clerk said."]
    text = "Bridge vote\n\n" + "\n\n".join(body[:1] + lines + body[1:]) + "\n"
    hidden = {text[s.start:s.end] for s in detect_furniture(text).debris}
    assert set(lines) <= hidden and not hidden & set(body)


def test_precise_pass_delimits_the_article_and_the_default_pass_fills_it_in():
    from types import SimpleNamespace
    from storyscope.ingest.html import _filled_in
    precise = "First paragraph of the Orlen bridge story.\nThird paragraph, the last of the story."
    default = ("Orlen bridge vote\nFirst paragraph of the Orlen bridge story.\n- a list item the precise pass dropped\n"
               "Third paragraph, the last of the story.\nComments (3)\nReader one says the bridge is a waste.")
    doc, name = _filled_in((SimpleNamespace(text=precise), precise), (SimpleNamespace(text=default), default))
    assert name == "precision+default" and "- a list item" in doc.text and "Orlen bridge vote" in doc.text
    assert "Comments" not in doc.text and "Reader one" not in doc.text
    other = "Completely different block.\nNothing shared here."
    assert _filled_in((SimpleNamespace(text=precise), precise), (SimpleNamespace(text=other), other))[1] == "precision"
