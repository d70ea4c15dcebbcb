"""Readers: discovery of inputs, JSONL and WARC streaming. A bad item yields an IngestError with
its path and code; the items around it are still read."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc
from newsgraph.stages.read import discover_inputs, read_inputs
from newsgraph.stages.read.discover import InputFile
from newsgraph.stages.read.jsonl import read as read_jsonl
from newsgraph.stages.read.warc import read as read_warc
from newsgraph.store import Store

SETTINGS = Settings()
BODY = "The council voted on Tuesday to expand the harbour. " * 5


def _write(path: Path, text: str = BODY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _split(items):
    items = list(items)
    good = [i for i in items if not isinstance(i, IngestError)]
    bad = [i for i in items if isinstance(i, IngestError)]
    return good, bad


# ---- discover_inputs ------------------------------------------------------------------------


def test_folder_is_recursive_and_sorted(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "b/a.html", "a/2.jsonl", "a/10.txt", "c.warc.gz", "top.htm",
                "a/deeper/x.txt", "notes.md", "image.png", ".hidden/skip.txt"]:
        _write(tmp_path / rel)
    good, bad = _split(discover_inputs([str(tmp_path)]))
    assert bad == []
    rels = [str(i.path.relative_to(tmp_path)) for i in good]
    assert rels == ["c.warc.gz", "top.htm", "a/10.txt", "a/2.jsonl", "a/deeper/x.txt",
                    "b/a.html", "b/z.txt"]
    fmts = {str(i.path.relative_to(tmp_path)): i.fmt for i in good}
    assert fmts["c.warc.gz"] == "warc" and fmts["a/2.jsonl"] == "jsonl"
    assert fmts["b/a.html"] == "html" and fmts["top.htm"] == "html" and fmts["b/z.txt"] == "text"
    # same call, same order
    assert [i.path for i in _split(discover_inputs([str(tmp_path)]))[0]] == [i.path for i in good]


def test_folder_group_is_the_subfolder(tmp_path: Path) -> None:
    _write(tmp_path / "reuters" / "a.txt")
    _write(tmp_path / "top.txt")
    good, _ = _split(discover_inputs([str(tmp_path)]))
    groups = {i.path.name: i.folder_group for i in good}
    assert groups == {"a.txt": "reuters", "top.txt": None}


def test_globs_and_several_paths(tmp_path: Path) -> None:
    for name in ["one.txt", "two.txt", "three.html", "four.jsonl"]:
        _write(tmp_path / "in" / name)
    _write(tmp_path / "other" / "five.txt")
    good, bad = _split(discover_inputs([
        str(tmp_path / "in" / "*.txt"),
        str(tmp_path / "other"),
        str(tmp_path / "in" / "three.html"),
    ]))
    assert bad == []
    assert [i.path.name for i in good] == ["one.txt", "two.txt", "five.txt", "three.html"]


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    f = _write(tmp_path / "a.txt")
    good, bad = _split(discover_inputs([str(f), str(tmp_path), str(tmp_path / "*.txt")]))
    assert bad == [] and len(good) == 1


def test_glob_without_match_is_e110(tmp_path: Path) -> None:
    _, bad = _split(discover_inputs([str(tmp_path / "*.nothing")]))
    assert [e.code for e in bad] == ["E110"]


def test_unsupported_explicit_file_is_e109(tmp_path: Path) -> None:
    doc = _write(tmp_path / "report.docx")
    ok = _write(tmp_path / "ok.txt")
    good, bad = _split(discover_inputs([str(doc), str(ok)]))
    assert [(e.path, e.code) for e in bad] == [(str(doc), "E109")]
    assert [i.path for i in good] == [ok]


def test_missing_path_is_e110_and_rest_still_read(tmp_path: Path) -> None:
    ok = _write(tmp_path / "ok.txt")
    missing = tmp_path / "nope" / "gone.txt"
    good, bad = _split(discover_inputs([str(missing), str(ok)]))
    assert [(e.path, e.code) for e in bad] == [(str(missing), "E110")]
    assert "no such" in bad[0].message
    assert [i.path for i in good] == [ok]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_is_e111_once_and_rest_read(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "a.txt")
    _write(root / "sub" / "b.txt")
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)  # loop to the root
    (root / "self").symlink_to(root / "self")  # a link to itself (ELOOP)
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    good, bad = _split(discover_inputs([str(root)]))
    assert sorted(i.path.name for i in good) == ["a.txt", "b.txt"]
    loop_errors = [e for e in bad if e.path == str(root / "sub" / "back")]
    assert len(loop_errors) == 1 and loop_errors[0].code == "E111"
    assert all(e.code == "E111" for e in bad)
    assert {e.path for e in bad} == {
        str(root / "sub" / "back"), str(root / "self"), str(root / "dangling.txt")
    }
    assert len(bad) == 3  # each reported once


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_explicit_looping_symlink_is_e111(tmp_path: Path) -> None:
    link = tmp_path / "loop.txt"
    link.symlink_to(link)
    _, bad = _split(discover_inputs([str(link)]))
    assert [(e.path, e.code) for e in bad] == [(str(link), "E111")]


def test_odd_names_spaces_and_unicode(tmp_path: Path) -> None:
    names = ["with space.txt", "Zürich – Bericht.txt", "日本語の記事.html",
             "ümlaut dir/ça va.jsonl", "#hash [1].txt"]
    for n in names:
        _write(tmp_path / n)
    good, bad = _split(discover_inputs([str(tmp_path)]))
    assert bad == []
    assert sorted(str(i.path.relative_to(tmp_path)) for i in good) == sorted(names)
    # an explicit odd name with glob characters in it is a file, not a pattern
    good, bad = _split(discover_inputs([str(tmp_path / "#hash [1].txt")]))
    assert bad == [] and [i.path.name for i in good] == ["#hash [1].txt"]


def test_read_inputs_text_gives_bytes_and_folder_hint(tmp_path: Path) -> None:
    f = _write(tmp_path / "apnews" / "x.txt")
    (item,) = _split(discover_inputs([str(tmp_path)]))[0]
    (raw,) = list(read_inputs(item, SETTINGS))
    assert isinstance(raw, RawDoc)
    assert raw.kind == "text" and raw.data == f.read_bytes() and raw.source_path == str(f)
    assert raw.hints == {"folder": "apnews"}


def test_text_file_over_limit_is_e105(tmp_path: Path) -> None:
    f = _write(tmp_path / "big.txt", "x" * 2000)
    item = InputFile(f, tmp_path, "text")
    (err,) = list(read_inputs(item, Settings(max_file_bytes=1000)))
    assert isinstance(err, IngestError) and err.code == "E105" and err.path == str(f)
    assert "NEWSGRAPH_MAX_FILE_BYTES" in err.message


# ---- JSONL ----------------------------------------------------------------------------------


def _jsonl(path: Path, lines: list[str | dict], gz: bool = False) -> Path:
    data = "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines)
    raw = data.encode("utf-8")
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def test_jsonl_text_and_html_records(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "a.jsonl", [
        {"text": BODY, "title": "Harbour", "url": "https://x.test/1", "published": "2024-04-02",
         "outlet": "Example News", "extra": 1},
        {"html": "<html><body><p>" + BODY + "</p></body></html>"},
        {"text": BODY, "title": None},
    ])
    good, bad = _split(read_jsonl(f, SETTINGS, {"folder": "f"}))
    assert bad == []
    assert [r.kind for r in good] == ["text", "html", "text"]
    assert [r.source_path for r in good] == [f"{f}#line={n}" for n in (1, 2, 3)]
    assert good[0].data == BODY
    assert good[0].hints == {"folder": "f", "title": "Harbour", "url": "https://x.test/1",
                             "published": "2024-04-02", "outlet": "Example News"}
    assert good[1].hints == {"folder": "f"} and good[1].data.startswith("<html>")
    assert good[2].hints == {"folder": "f"}  # null optional fields are no hints


def test_jsonl_bad_lines_reported_rest_read(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "mixed.jsonl", [
        {"text": "first " + BODY},
        '{"text": "unterminated',
        "[1, 2, 3]",
        {"title": "no body"},
        {"text": "   "},
        {"text": BODY, "title": 5},
        "",
        {"text": "last " + BODY},
    ])
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert [r.source_path for r in good] == [f"{f}#line={n}" for n in (1, 6, 8)]
    assert [(e.path, e.code) for e in bad] == [
        (f"{f}#line={n}", "E107") for n in (2, 3, 4, 5)
    ]
    assert "invalid JSON" in bad[0].message
    assert "object" in bad[1].message
    assert "text" in bad[2].message
    # a title that is no string costs the title, not the article
    assert good[1].hints == {"fields_ignored": {"title": "a JSON number, not a string"}}


def test_jsonl_unix_time_published_and_unusable_fields(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "feed.jsonl", [
        {"text": "One. " + BODY, "published": 1700000000},
        {"text": "Two. " + BODY, "published": 1700000000123, "outlet": ["a", "b"]},
        {"text": "Three. " + BODY, "published": True, "url": {"href": "x"}},
    ])
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert bad == []
    assert good[0].hints == {"published": "1700000000"}
    assert good[1].hints == {"published": "1700000000123",
                             "fields_ignored": {"outlet": "a JSON array, not a string"}}
    assert good[2].hints == {"fields_ignored": {"published": "a JSON boolean, not a string",
                                                "url": "a JSON object, not a string"}}
    db = tmp_path / "feed.db"
    api.ingest([str(f)], db=db, settings=api.Settings(nlp=False))
    with Store(db, readonly=True) as store:
        arts = sorted(store.iter_articles(), key=lambda a: a.source_path)
    assert [a.published for a in arts] == ["2023-11-14T22:13:20+00:00",
                                           "2023-11-14T22:13:20+00:00", None]
    assert arts[0].published_evidence == "1700000000"
    assert arts[2].notes["fields_ignored"]["url"] == "a JSON object, not a string"


def test_jsonl_not_utf8_line_is_e107(tmp_path: Path) -> None:
    f = tmp_path / "latin.jsonl"
    f.write_bytes(b'{"text": "caf\xe9 au lait"}\n' + json.dumps({"text": BODY}).encode() + b"\n")
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert [e.code for e in bad] == ["E107"] and len(good) == 1


def test_jsonl_bom_first_line_is_read(tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": BODY}).encode() + b"\n")
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert bad == [] and len(good) == 1


def test_jsonl_line_over_limit_is_e105_next_line_read(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "big.jsonl", [
        {"text": "short one " + BODY},
        {"text": "y" * 5000},
        {"text": "after the big one " + BODY},
    ])
    good, bad = _split(read_jsonl(f, Settings(max_record_bytes=1000), {}))
    assert [(e.path, e.code) for e in bad] == [(f"{f}#line=2", "E105")]
    assert "NEWSGRAPH_MAX_RECORD_BYTES" in bad[0].message
    assert [r.source_path for r in good] == [f"{f}#line=1", f"{f}#line=3"]
    assert good[1].data.startswith("after the big one")


def test_jsonl_last_line_without_newline(tmp_path: Path) -> None:
    f = tmp_path / "nonl.jsonl"
    f.write_text(json.dumps({"text": "a " + BODY}) + "\n" + json.dumps({"text": "b " + BODY}))
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert bad == [] and len(good) == 2


def test_jsonl_gz_is_read(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "a.jsonl.gz", [{"text": f"{i} {BODY}"} for i in range(3)], gz=True)
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert bad == [] and len(good) == 3


def test_jsonl_gz_truncated_is_e108_after_good_records(tmp_path: Path) -> None:
    lines = [{"text": f"record {i} " + BODY * 3} for i in range(200)]
    full = _jsonl(tmp_path / "full.jsonl.gz", lines, gz=True).read_bytes()
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(full[: len(full) // 2])
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert len(good) > 0, "records before the cut are kept"
    assert len(good) < 200
    assert [(e.path, e.code) for e in bad] == [(str(f), "E108")]
    assert all(json.dumps(r.data)[1:].startswith("record ") for r in good)


def test_jsonl_gz_that_is_not_gzip_is_e108(tmp_path: Path) -> None:
    f = tmp_path / "fake.jsonl.gz"
    f.write_bytes(b'{"text": "plain, not gzip"}\n')
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert good == [] and [e.code for e in bad] == ["E108"]


# ---- WARC -----------------------------------------------------------------------------------

PAGE = (
    "<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>"
    + "".join(f"<p>{BODY} Paragraph {i}.</p>" for i in range(4))
    + "</article></body></html>"
)


def _warc(path: Path, records: list[tuple[str, str, str, bytes]], gz: bool) -> Path:
    """records: (uri, status line, content type, body) as HTTP responses, plus one request."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, status, ctype, body in records:
            req = writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
            )
            writer.write_record(req)
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
            )
            writer.write_record(rec)
    return path


WARC_RECORDS = [
    ("https://news.test/a", "200 OK", "text/html; charset=utf-8", PAGE.encode()),
    ("https://news.test/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(40)),
    ("https://news.test/gone", "404 Not Found", "text/html", b"<html>not found</html>"),
    ("https://news.test/moved", "301 Moved", "text/html", b"<html>moved</html>"),
    ("https://news.test/data.json", "200 OK", "application/json", b'{"a": 1}'),
    ("https://news.test/b", "200 OK", "application/xhtml+xml", PAGE.replace("4", "5").encode()),
]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses_only(tmp_path: Path, gz: bool) -> None:
    f = _warc(tmp_path / ("a.warc.gz" if gz else "a.warc"), WARC_RECORDS, gz)
    good, bad = _split(read_warc(f, SETTINGS, {"folder": "crawl"}))
    assert bad == []
    assert [r.hints["url"] for r in good] == ["https://news.test/a", "https://news.test/b"]
    assert all(r.kind == "html" and isinstance(r.data, bytes) for r in good)
    assert good[0].data == PAGE.encode()
    assert good[0].hints["folder"] == "crawl"
    assert good[0].hints["charset"] == "utf-8"
    assert "crawled" in good[0].hints and "published" not in good[0].hints
    assert all(r.source_path.startswith(f"{f}#record=") for r in good)
    assert len({r.source_path for r in good}) == 2


def test_warc_gz_truncated_is_e108_earlier_records_kept(tmp_path: Path) -> None:
    records = [(f"https://news.test/{i}", "200 OK", "text/html", (PAGE + f"<!-- {i} -->").encode())
               for i in range(30)]
    full = _warc(tmp_path / "full.warc.gz", records, gz=True).read_bytes()
    f = tmp_path / "cut.warc.gz"
    f.write_bytes(full[: int(len(full) * 0.6)])
    good, bad = _split(read_warc(f, SETTINGS, {}))
    assert 0 < len(good) < 30
    assert [r.hints["url"] for r in good] == [f"https://news.test/{i}" for i in range(len(good))]
    assert [(e.path, e.code) for e in bad] == [(str(f), "E108")]


def test_warc_uncompressed_truncated_is_e108_or_short(tmp_path: Path) -> None:
    records = [(f"https://news.test/{i}", "200 OK", "text/html", PAGE.encode())
               for i in range(10)]
    full = _warc(tmp_path / "full.warc", records, gz=False).read_bytes()
    f = tmp_path / "cut.warc"
    f.write_bytes(full[: int(len(full) * 0.55)])
    good, bad = _split(read_warc(f, SETTINGS, {}))
    assert 0 < len(good) < 10
    assert all(e.code == "E108" for e in bad)
    # the cut record is never passed on as if it were whole
    assert all(r.data == PAGE.encode() for r in good)
    assert len(bad) == 1, "a WARC cut mid-record is reported"


@pytest.mark.parametrize("name", ["random.warc", "random.warc.gz"])
def test_random_bytes_named_warc_is_e108(tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_bytes(os.urandom(5000))
    good, bad = _split(read_warc(f, SETTINGS, {}))
    assert good == []
    assert [(e.path, e.code) for e in bad] == [(str(f), "E108")]


def test_warc_text_file_named_warc_is_e108(tmp_path: Path) -> None:
    f = _write(tmp_path / "notes.warc", "just some notes\n" * 20)
    good, bad = _split(read_warc(f, SETTINGS, {}))
    assert good == [] and [e.code for e in bad] == ["E108"]


def test_warc_empty_file_is_e102(tmp_path: Path) -> None:
    f = tmp_path / "empty.warc"
    f.write_bytes(b"")
    good, bad = _split(read_warc(f, SETTINGS, {}))
    assert good == []
    # an empty archive holds no pages: that must be said, not passed over in silence
    assert [(e.path, e.code) for e in bad] == [(str(f), "E102")]


def test_warc_record_over_limit_is_e105(tmp_path: Path) -> None:
    big = (PAGE + "<p>" + "z" * 5000 + "</p>").encode()
    f = _warc(tmp_path / "big.warc", [
        ("https://news.test/big", "200 OK", "text/html", big),
        ("https://news.test/ok", "200 OK", "text/html", PAGE.encode()),
    ], gz=False)
    good, bad = _split(read_warc(f, Settings(max_record_bytes=len(PAGE) + 100), {}))
    assert [e.code for e in bad] == ["E105"] and bad[0].path.startswith(f"{f}#record=")
    assert [r.hints["url"] for r in good] == ["https://news.test/ok"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["zero-bytes", "blank-lines"])
def test_jsonl_empty_file_is_e102(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.jsonl"
    f.write_bytes(content)
    good, bad = _split(read_jsonl(f, SETTINGS, {}))
    assert good == [] and [(e.path, e.code) for e in bad] == [(str(f), "E102")]


def test_warc_cut_at_every_point_is_reported_or_whole(tmp_path: Path) -> None:
    """Sweep cut points: every truncated archive either reports E108 or (cut between records)
    holds only whole pages; nothing raises, no partial page is ever passed on."""
    records = [(f"https://news.test/{i}", "200 OK", "text/html", PAGE.encode()) for i in range(4)]
    for gz in (False, True):
        full = _warc(tmp_path / "full.warc", records, gz=gz).read_bytes()
        silent = 0
        for cut in range(1, len(full), 53):
            f = tmp_path / "cut.warc"
            f.write_bytes(full[:cut])
            good, bad = _split(read_warc(f, SETTINGS, {}))
            assert all(r.data == PAGE.encode() for r in good)
            assert all(e.code == "E108" for e in bad)
            silent += not bad
        assert silent <= 3, f"too many cuts went unreported ({silent}, gzip={gz})"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_name_not_utf8_is_reported_not_a_crash(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    try:
        with open(folder + b"/caf\xe9 latin1 name.txt", "wb") as fh:
            fh.write(BODY.encode())
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    ok = _write(tmp_path / "ok.txt")
    missing = os.fsdecode(folder + b"/gone\xff.txt")
    good, bad = _split(discover_inputs([str(tmp_path), missing]))
    assert [i.path for i in good] == [ok]
    assert [(e.path, e.code) for e in bad] == [
        (f"{tmp_path}/caf\\xe9 latin1 name.txt", "E101"), (f"{tmp_path}/gone\\xff.txt", "E110"),
    ]
    for e in bad:
        e.path.encode("utf-8")  # storable and printable: no lone surrogates


def test_html_page_lines_the_reader_left_out_are_listed(tmp_path: Path) -> None:
    from newsgraph.stages.read.html_left_out import left_out

    body = ("Dock workers at the port walked off the job for a third day on Thursday, "
            "halting container traffic and stranding dozens of ships offshore. ") * 3
    page = (
        "<html><head><title>Dock strike enters third day</title></head><body>"
        "<nav>Home | News | Sport</nav><h1>Dock strike enters third day</h1>"
        "<p class='byline'>By Jane Reporter</p><article><p>" + body + "</p>"
        "<ul><li>first point of the list</li></ul></article>"
        "<div>Share this article on Facebook</div><div>Share this article on Facebook</div>"
        "<footer>Copyright 2023 Coastal Herald.</footer></body></html>")
    text = body.strip() + "\n- first point of the list"
    got = left_out(page, text, "Dock strike enters third day")
    assert got == {"lines": 4, "sample": ["Home | News | Sport", "By Jane Reporter",
                                          "Share this article on Facebook",
                                          "Copyright 2023 Coastal Herald."]}
    everything = (text + "\nHome News Sport By Jane Reporter Share this article on Facebook "
                  "Copyright 2023 Coastal Herald")
    assert left_out(page, everything, "Dock strike enters third day") is None
    assert left_out("", "x") is None and left_out("<<<>>>", "x") is None
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    db = tmp_path / "h.db"
    api.ingest([str(f)], db=db, settings=api.Settings(nlp=False, stories=False))
    with Store(db, readonly=True) as store:
        art = next(store.iter_articles())
    assert art.notes["reader_left_out"]["lines"] >= 1
    assert "Home | News | Sport" in art.notes["reader_left_out"]["sample"]
