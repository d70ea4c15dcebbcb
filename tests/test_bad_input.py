"""End to end through `api.ingest`: a folder holding every kind of bad input the issue names next
to good articles. Each bad input is read correctly or reported with its path and code; the run
goes on; nothing else is lost; nothing raises."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import time
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.config import Settings, load_settings
from newsgraph.errors import CODES


def _article(topic: str, n: int = 4) -> str:
    """A distinct, plausible article: a title line, then paragraphs about `topic`."""
    paras = [
        f"Officials in the region said on Tuesday that the {topic} plan would go ahead, "
        f"despite objections raised by residents at a public meeting last week ({i}).\n"
        for i in range(n)
    ]
    return f"{topic.title()} plan approved after long debate\n\n" + "\n".join(paras)


PAGE = (
    "<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>"
    + "".join(f"<p>{_article('harbour expansion', 1)} Paragraph {i} of the page.</p>"
              for i in range(4))
    + "</article></body></html>"
)


def _warc_gz(path: Path, n: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i in range(n):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        body = PAGE.replace("Harbour vote", f"Harbour vote {i}").replace(
            "harbour expansion", f"harbour expansion number {i}").encode()
        writer.write_record(writer.create_warc_record(
            f"https://news.test/{i}", "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def _build_corpus(root: Path) -> dict[str, object]:
    """Writes the corpus; returns what each file should become: a list of error codes (bad) or
    a snippet its stored text must contain (read correctly)."""
    root.mkdir()
    expect: dict[str, object] = {}

    def put(rel: str, data: bytes, outcome: object) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        expect[rel] = outcome

    # two good articles
    put("good/one.txt", _article("bridge repair").encode(), "bridge repair plan would go ahead")
    put("good/two.html",
        ("<html><head><title>Library</title></head><body><article>"
         + "".join(f"<p>{line}</p>" for line in _article("library funding").splitlines() if line)
         + "</article></body></html>").encode(),
        "library funding plan would go ahead")
    # read correctly, whatever the encoding
    put("enc/cp1252.txt",
        ("Mayor \u201cwon\u2019t back down\u201d on 5 \u20ac fee\n\n"
         + _article("parking fee")).encode("cp1252"),
        "\u201cwon\u2019t back down\u201d on 5 \u20ac fee")
    put("enc/latin1.txt",
        ("Le député de Genève a parlé\n\n" + _article("tramway à Genève")).encode("latin-1"),
        "tramway à genève plan would go ahead")
    put("enc/utf16-bom.txt", codecs.BOM_UTF16_LE + _article("school meals").encode("utf-16-le"),
        "school meals plan would go ahead")
    put("enc/utf16be-bom.txt", codecs.BOM_UTF16_BE + _article("ferry route").encode("utf-16-be"),
        "ferry route plan would go ahead")
    put("enc/utf16-nobom.txt", _article("cycle lane").encode("utf-16-le"),
        "cycle lane plan would go ahead")
    put("enc/nul bytes.txt", _article("water tower").encode().replace(b" ", b" \x00"),
        "water tower plan would go ahead")
    put("names/with spaces and ümlauts.txt", _article("market square").encode(),
        "market square plan would go ahead")
    put("names/日本語の記事.txt", _article("tunnel works").encode(),
        "tunnel works plan would go ahead")
    # bad, each with its code
    put("bad/empty.txt", b"", ["E102"])
    put("bad/blank.txt", b"  \n\n\t \r\n", ["E102"])
    put("bad/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000), ["E103"])
    put("bad/random.txt", random.Random(3).randbytes(5000), ["E103"])
    put("bad/gzip.html", gzip.compress(PAGE.encode()), ["E103"])
    put("bad/scripts.html",
        ("<html><head><script>var a = 1;</script></head><body>"
         + "<script>window.dataLayer = [];" + "x = 1;" * 200 + "</script>"
         + "<script src='app.js'></script><noscript></noscript></body></html>").encode(),
        ["E106"])
    put("bad/empty.html", b"", ["E102"])
    warc = _warc_gz(root / "x", 8)
    put("bad/cut.warc.gz", warc[: int(len(warc) * 0.6)], ["E108"])
    put("bad/random.warc", os.urandom(3000), ["E108"])
    put("bad/empty.warc", b"", ["E102"])
    records = "".join(json.dumps({"text": _article(f"jsonl item {i}"), "title": f"Item {i}"})
                      + "\n" for i in range(40)).encode()
    packed = gzip.compress(records)
    put("bad/cut.jsonl.gz", packed[: len(packed) // 2], ["E108"])
    put("bad/mixed.jsonl",
        (json.dumps({"text": _article("jsonl good first")}) + "\n"
         + '{"text": "broken\n'
         + "42\n"
         + json.dumps({"title": "no body"}) + "\n"
         + json.dumps({"text": _article("jsonl good last"), "outlet": "Example Wire"}) + "\n"
         ).encode(),
        ["E107", "E107", "E107"])
    put("bad/empty.jsonl", b"", ["E102"])
    put("bad/ignored.docx", b"PK\x03\x04 not an input", [])  # in a folder: not an input at all
    # a file name that is not UTF-8 (Latin-1 bytes, as old archives have)
    try:
        with open(os.fsencode(root / "names") + b"/r\xe9sum\xe9.txt", "wb") as fh:
            fh.write(_article("latin name").encode())
        expect["names/r\\xe9sum\\xe9.txt"] = ["E101"]
    except OSError:
        pass
    # a symlink loop inside the corpus
    loop = root / "loops" / "again"
    loop.parent.mkdir()
    loop.symlink_to(root, target_is_directory=True)
    expect["loops/again"] = ["E111"]
    # not regular files: a FIFO and a link to an endless device (reading either never ends)
    if hasattr(os, "mkfifo") and os.path.exists("/dev/zero"):
        (root / "special").mkdir()
        os.mkfifo(root / "special" / "pipe.txt")
        (root / "special" / "zeros.html").symlink_to("/dev/zero")
        os.mkfifo(root / "special" / "other-fifo")  # no input's name: not an input at all
        expect["special/pipe.txt"] = ["E109"]
        expect["special/zeros.html"] = ["E109"]
    return expect


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("bad")
    corpus = base / "corpus"
    expect = _build_corpus(corpus)
    db = base / "store.db"
    report = api.ingest([str(corpus)], db=db)
    return corpus, db, expect, report


def _errors_by_file(errors, corpus: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in errors:
        rel = os.path.relpath(e.path.split("#", 1)[0], corpus)
        found.setdefault(rel, []).append(e.code)
    return {k: sorted(v) for k, v in found.items()}


def test_each_bad_input_is_reported_with_path_and_code(bad_run) -> None:
    corpus, db, expect, report = bad_run
    wanted = {rel: sorted(codes) for rel, codes in expect.items()
              if isinstance(codes, list) and codes}
    assert _errors_by_file(report.errors, corpus) == wanted
    # the store's errors table says the same
    assert _errors_by_file(api.errors(db), corpus) == wanted
    assert report.exit_code == 1
    for e in report.errors:
        assert e.message and e.code in CODES and len(e.message) < 500
        assert "Traceback" not in e.message


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                    reason="needs FIFOs and /dev/zero")
def test_special_files_named_on_the_command_line_are_e109(tmp_path: Path) -> None:
    """A FIFO or a link to /dev/zero given as a path: reported, never read (the run would
    block or never end), and the good file beside them is ingested."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zeros.txt").symlink_to("/dev/zero")
    good = tmp_path / "good.txt"
    good.write_text(_article("special"), encoding="utf-8")
    report = api.ingest([str(tmp_path / "pipe.txt"), str(tmp_path / "zeros.txt"), str(good)],
                        db=tmp_path / "s.db", settings=Settings(nlp=False, stories=False))
    assert sorted((Path(e.path).name, e.code) for e in report.errors) == [
        ("pipe.txt", "E109"), ("zeros.txt", "E109")]
    assert all("not a regular file" in e.message for e in report.errors)
    assert report.articles_new == 1


def test_jsonl_line_errors_name_the_line(bad_run) -> None:
    corpus, db, _, report = bad_run
    mixed = str(corpus / "bad" / "mixed.jsonl")
    assert sorted(e.path for e in report.errors if e.path.startswith(mixed)) == [
        f"{mixed}#line={n}" for n in (2, 3, 4)
    ]


def test_good_and_readable_inputs_are_stored(bad_run) -> None:
    corpus, db, expect, _ = bad_run
    with api.open_store(db, readonly=True) as store:
        articles = list(store.iter_articles())
    by_file: dict[str, list] = {}
    for a in articles:
        by_file.setdefault(os.path.relpath(a.source_path.split("#", 1)[0], corpus), []).append(a)
    for rel, outcome in expect.items():
        if isinstance(outcome, str):
            assert rel in by_file, f"{rel} was not stored"
            (art,) = by_file[rel]
            text = (art.title or "") + "\n" + art.text
            assert outcome.lower() in text.lower(), (rel, text[:300])
            assert "\x00" not in art.raw_text and "\ufffd" not in art.raw_text
            assert "\r" not in art.raw_text
    # the good records around the bad ones in containers were kept
    assert len(by_file["bad/mixed.jsonl"]) == 2
    assert 1 <= len(by_file["bad/cut.warc.gz"]) < 8
    assert 1 <= len(by_file["bad/cut.jsonl.gz"]) < 40
    cut = sorted(int(a.source_path.rsplit("=", 1)[1]) for a in by_file["bad/cut.jsonl.gz"])
    assert cut == list(range(1, len(cut) + 1))
    # nothing else: no article from a file that should have been refused entirely
    refused = {rel for rel, o in expect.items() if isinstance(o, list) and o
               and rel not in ("bad/mixed.jsonl", "bad/cut.warc.gz", "bad/cut.jsonl.gz")}
    assert not refused & set(by_file)
    assert "bad/ignored.docx" not in by_file


def test_report_counts_add_up(bad_run) -> None:
    corpus, db, expect, report = bad_run
    s = api.stats(db)
    assert report.articles_new == s["articles"]
    readable = sum(isinstance(o, str) for o in expect.values())
    assert s["articles"] >= readable + 2 + 1 + 1  # + mixed.jsonl (2) + warc + jsonl.gz pages


def test_rerun_adds_nothing_twice(bad_run) -> None:
    corpus, db, _, first = bad_run
    before = api.stats(db)["articles"]
    again = api.ingest([str(corpus)], db=db)
    assert again.articles_new == 0
    assert api.stats(db)["articles"] == before
    # the bad inputs are still reported, with the same codes
    assert _errors_by_file(again.errors, corpus) == _errors_by_file(first.errors, corpus)


def test_search_finds_the_decoded_texts(bad_run) -> None:
    _, db, _, _ = bad_run
    assert api.search(db, "tramway").total == 1
    assert api.search(db, '"won\u2019t back down"').total + api.search(db, "parking").total >= 1
    assert api.search(db, "tunnel").total == 1


# ---- a 5 MB transcript dump with no newline ----------------------------------------------------

_WORDS = [
    "the", "minister", "said", "that", "talks", "would", "resume", "on", "monday", "after", "a",
    "long", "night", "of", "negotiations", "in", "the", "capital", "while", "protesters",
    "gathered", "outside", "parliament", "demanding", "answers", "about", "the", "budget",
]


@pytest.mark.slow
def test_five_megabyte_line_is_a_real_article(tmp_path: Path) -> None:
    rng = random.Random(11)
    words = [rng.choice(_WORDS) for _ in range(900_000)]
    words[450_000] = "zanzibarquux"  # a word to search for, in the middle
    text = "Transcript: " + " ".join(words)
    data = text.encode("utf-8")[:5_300_000]
    assert len(data) >= 5_000_000 and b"\n" not in data
    f = tmp_path / "transcript dump.txt"
    f.write_bytes(data)
    db = tmp_path / "big.db"
    start = time.perf_counter()
    report = api.ingest([str(f)], db=db)
    took = time.perf_counter() - start
    print(f"\n5 MB no-newline ingest took {took:.1f} s")
    assert report.errors == [] and report.articles_new == 1
    result = api.search(db, "zanzibarquux")
    assert result.total == 1
    with api.open_store(db, readonly=True) as store:
        (article,) = list(store.iter_articles())
    assert "zanzibarquux" in article.text
    assert len(article.text) > 4_000_000


# ---- size limits are settings ------------------------------------------------------------------


def test_file_over_max_file_bytes_is_e105_not_a_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "small.txt").write_text(_article("pier lights"))
    (corpus / "large.txt").write_text(_article("sea wall", 200))
    (corpus / "large.html").write_text("<html><body>" + "<p>x</p>" * 2000 + "</body></html>")
    settings = load_settings(max_file_bytes=10_000)
    assert settings.max_file_bytes == 10_000
    report = api.ingest([str(corpus)], db=tmp_path / "s.db", settings=settings)
    assert sorted((os.path.basename(e.path), e.code) for e in report.errors) == [
        ("large.html", "E105"), ("large.txt", "E105")
    ]
    assert report.articles_new == 1
    assert "NEWSGRAPH_MAX_FILE_BYTES" in report.errors[0].message


def test_max_file_bytes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_MAX_FILE_BYTES", "5000")
    assert load_settings().max_file_bytes == 5000
    f = tmp_path / "a.txt"
    f.write_text(_article("harbour crane", 100))
    report = api.ingest([str(f)], db=tmp_path / "s.db")
    assert [e.code for e in report.errors] == ["E105"]


def test_record_over_max_record_bytes_is_e105(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": _article("big record", 300)}) + "\n"
                 + json.dumps({"text": _article("small record")}) + "\n")
    report = api.ingest([str(f)], db=tmp_path / "s.db",
                        settings=Settings(max_record_bytes=20_000))
    assert [(e.path, e.code) for e in report.errors] == [(f"{f}#line=1", "E105")]
    assert report.articles_new == 1
