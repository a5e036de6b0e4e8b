"""Bad input: one test per class of broken input. Each checks that the run reports one
clear error naming the file (and the line or record) and the reason, that the error
is stored (store.errors()), is in the report (analyze().errors and the JSON written
with --out), and that every good record of the same run is still ingested. Then the
CLI's exit codes, and that a fixed file's old error goes away on the next run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import copydesk
from copydesk.cli import cli


def body(tag: str) -> str:
    """A two-paragraph article body, unique per ``tag``."""
    return (f"Reporters in {tag} confirmed on Tuesday that the harbour bridge would reopen next month.\n\n"
            f"The {tag} repairs cost far more than expected, according to the transport department.")


def html_page(title: str, text: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>"


GOOD_IDS = {"good-1", "good-2"}


def write_good(root: Path) -> None:
    """Two good records that must survive whatever else is in the run."""
    (root / "good.jsonl").write_text(
        json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
        + json.dumps({"id": "good-2", "text": body("Oslo")}) + "\n", encoding="utf-8")


@dataclass
class Outcome:
    api: copydesk.Report       # copydesk.analyze(...)
    stored: list               # store.errors() after the API run
    ids: set[str]              # ids of the stored articles after the API run
    out: dict                  # the JSON report written by `copydesk analyze --out`
    cli_ids: set[str]
    output: str                # what the CLI printed (stdout and stderr)
    exit_code: int


def run_both(tmp_path: Path, paths: list[Path], *, settings: copydesk.Settings | None = None,
             config: Path | None = None) -> Outcome:
    """Analyse ``paths`` through the Python API (one database) and through the CLI
    with --out (another database), so both report paths are checked."""
    db_api = tmp_path / "api.db"
    report = copydesk.analyze(paths, db=db_api, settings=settings)
    with copydesk.open_store(db_api) as store:
        stored = store.errors()
        ids = {a.id for a in store.articles()}

    db_cli = tmp_path / "cli.db"
    out = tmp_path / "report.json"
    args = ["analyze", *map(str, paths), "--db", str(db_cli), "--out", str(out)]
    if config is not None:
        args += ["--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    return Outcome(report, stored, ids, data, {a["id"] for a in data["articles"]}, result.output, result.exit_code)


def assert_one_error(o: Outcome, *, input: Path, kind: str, words: list[str], record: str | None = None,
                     good: set[str] = GOOD_IDS) -> copydesk.ErrorRecord:
    """Exactly one error, the same in the store, the API report and the --out JSON; it
    names ``input`` (and ``record``), its reason holds each of ``words``; the good
    records are all stored; the CLI exits 0 (some input was read) and prints the
    error without a traceback."""
    assert len(o.stored) == 1, o.stored
    err = o.stored[0]
    assert err.input == str(input)
    assert err.kind == kind
    if record is not None:
        assert err.record == record
    for w in words:
        assert w.lower() in err.reason.lower(), f"{w!r} not in {err.reason!r}"
    # the API report and the --out JSON say the same thing
    assert list(o.api.errors) == [err]
    assert o.out["errors"] == [{"input": err.input, "record": err.record, "reason": err.reason, "kind": err.kind}]
    # every good record is in
    assert good <= o.ids and good <= o.cli_ids
    assert good <= {a.id for a in o.api.articles}
    # the CLI: exit 0 with some input read, error shown, no traceback
    assert o.exit_code == 0, o.output
    assert str(input) in o.output
    assert "Traceback" not in o.output
    return err


# -- one test per class -----------------------------------------------------------------


def test_undecodable_bytes(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "mojibake.txt"
    # every high byte, over and over: no NULs or control characters (so not "binary"),
    # not UTF-8, not Western single-byte text (cp1252 lacks 0x81, 0x8D, ...), and charset
    # detection finds no encoding either
    bad.write_bytes(bytes(range(0x80, 0x100)) * 4)
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    assert_one_error(o, input=bad, kind="decode", words=["cannot decode", "utf-8"])


def test_binary_file_named_txt(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "picture.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4)
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    assert_one_error(o, input=bad, kind="format", words=["binary"])


def test_empty_file(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    assert_one_error(o, input=bad, kind="empty", words=["empty file"])


def _csv(rows: list[list[str]]) -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def test_truncated_gzip_csv_keeps_the_rows_before_the_cut(tmp_path: Path):
    """A dataset dump cut off in transfer: the rows that arrived are articles, the cut is one error."""
    bad = tmp_path / "dump.csv.gz"
    rows = [["id", "title", "content"]] + [[f"r{i}", f"Story {i}", body(f"Town {i}")] for i in range(400)]
    whole = gzip.compress(_csv(rows).encode("utf-8"))
    bad.write_bytes(whole[: len(whole) // 2])
    o = run_both(tmp_path, [bad])
    assert len(o.stored) == 1 and o.stored[0].input == str(bad) and "truncated" in o.stored[0].reason
    assert 100 < len(o.ids) < 400 and o.ids == o.cli_ids
    assert all(i.startswith("r") for i in o.ids)


def test_csv_in_a_western_encoding_and_csv_with_only_a_header(tmp_path: Path):
    write_good(tmp_path)
    western = tmp_path / "export.csv"
    western.write_bytes(_csv([["title", "content"], ["Café owners", body("Besançon")]]).encode("cp1252"))
    header_only = tmp_path / "header.csv"
    header_only.write_text("title,content\n", encoding="utf-8")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", western, header_only])
    assert_one_error(o, input=header_only, kind="empty", words=["no rows after the header"],
                     good=GOOD_IDS | {"export-1"})
    assert "Besançon" in next(a for a in o.api.articles if a.id == "export-1").text


def test_malformed_json_line_names_the_line(tmp_path: Path):
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
        + '{"id": "broken", "text": "no closing quote}\n'
        + json.dumps({"id": "good-2", "text": body("Oslo")}) + "\n", encoding="utf-8")
    o = run_both(tmp_path, [src])
    err = assert_one_error(o, input=src, kind="format", record="line 2", words=["malformed JSON"])
    assert "[line 2]" in o.output  # the CLI shows the line too
    assert err.record == "line 2"


def test_malformed_json_list_keeps_the_items_before_the_fault(tmp_path: Path):
    """A scraper's export whose writer died mid-item: the items before are articles, the fault one error
    naming the item where it is."""
    bad = tmp_path / "items.json"
    items = [{"id": f"good-{i}", "text": body(f"Town {i}")} for i in (1, 2)]
    bad.write_text(json.dumps(items)[:-1] + ', {"id": "cut", "text": "the writer stopped', encoding="utf-8")
    # (over the file limit, so streamed: a list within it is read whole, and its fault fails it whole)
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_file_bytes = 200\n", encoding="utf-8")
    o = run_both(tmp_path, [bad], settings=copydesk.load_settings(config), config=config)
    err = assert_one_error(o, input=bad, kind="format", record="item 2", words=["malformed JSON", "not read"])
    assert "\n" not in err.reason


def test_malformed_json_file(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "broken.json"
    bad.write_text('{\n  "id": "broken",\n  "text": "cut off here', encoding="utf-8")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    assert_one_error(o, input=bad, kind="format", words=["malformed JSON", "line 3"])


def test_truncated_gzip(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "feed.jsonl.gz"
    lines = "".join(json.dumps({"id": f"gz-{i}", "text": body(f"Town {i}")}) + "\n" for i in range(40))
    whole = gzip.compress(lines.encode("utf-8"))
    bad.write_bytes(whole[: len(whole) // 2])
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    err = assert_one_error(o, input=bad, kind="format", words=["gzip"])
    assert "truncated" in err.reason or "corrupt" in err.reason


@pytest.mark.parametrize("compression", ["bz2", "xz", "zst"])
def test_truncated_dump_keeps_the_lines_before_the_cut(tmp_path: Path, compression: str):
    """A compressed dump cut off in transfer: the lines that arrived are articles; the cut is one error
    naming the file, the compression and the last whole line."""
    import bz2
    import lzma

    import zstandard

    write_good(tmp_path)
    pack = {"bz2": bz2.compress, "xz": lzma.compress, "zst": lambda b: zstandard.ZstdCompressor().compress(b)}
    bad = tmp_path / f"feed.jsonl.{compression}"
    # (2.6 MB with a field copydesk does not read: bzip2 compresses in blocks of 900 kB, and gives
    # nothing of a block cut short)
    lines = "".join(json.dumps({"id": f"z-{i}", "text": body(f"Town {i}"),
                                "crawl_log": hashlib.sha256(str(i).encode()).hexdigest() * 200}) + "\n"
                    for i in range(200))
    whole = pack[compression](lines.encode("utf-8"))
    bad.write_bytes(whole[: len(whole) // 2])
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    kind = {"bz2": "bzip2", "xz": "xz", "zst": "zstd"}[compression]
    err = assert_one_error(o, input=bad, kind="format", words=[kind, "after line"],
                           good=GOOD_IDS | {"z-0", "z-1"})
    assert "truncated" in err.reason or "corrupt" in err.reason
    assert 2 < len(o.ids) < 202


def test_corrupt_and_cut_parquet_files(tmp_path: Path):
    """A file named .parquet that is not one, and a Parquet file cut off in transfer: one error each,
    naming the file; every other record of the run is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    write_good(tmp_path)
    notparquet = tmp_path / "export.parquet"
    notparquet.write_text("id,text\n1,this is a CSV file saved under the wrong name\n", encoding="utf-8")
    cut = tmp_path / "cut.parquet"
    pq.write_table(pa.table({"id": [f"p{i}" for i in range(50)], "text": [body(f"Town {i}") for i in range(50)]}), cut)
    cut.write_bytes(cut.read_bytes()[:-40])  # the footer is at the end: the table cannot be read at all
    o = run_both(tmp_path, [tmp_path / "good.jsonl", notparquet, cut])
    assert {(e.input, e.kind) for e in o.stored} == {(str(notparquet), "format"), (str(cut), "format")}
    assert all("not a readable Parquet file" in e.reason for e in o.stored)
    assert o.ids == GOOD_IDS == o.cli_ids and o.exit_code == 0 and "Traceback" not in o.output


def test_parquet_values_python_cannot_hold_and_a_table_without_text(tmp_path: Path):
    """A timestamp out of Python's range (milliseconds stored as microseconds) costs that row its date,
    not the run; ids that pandas wrote as floats are ids; a table with no text column is one error
    naming its columns, not one per row; the files after them are read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    write_good(tmp_path)
    odd = tmp_path / "odd.parquet"
    pq.write_table(pa.table({
        "id": pa.array([1.0, 2.0, None]),
        "text": [body("Lima"), body("Suva"), body("Apia")],
        "date": pa.array([9 * 10**18, 1_709_632_860_000_000, None], type=pa.timestamp("us")),
        "tags": [["port", None], None, []],
    }), odd)
    labels = tmp_path / "labels.parquet"
    pq.write_table(pa.table({"id": ["x1", "x2"], "url": ["https://a.example/1", "https://a.example/2"],
                             "title": ["A link list", "without texts"]}), labels)
    o = run_both(tmp_path, [odd, labels, tmp_path / "good.jsonl"])
    err = assert_one_error(o, input=labels, kind="format", words=["no column holds an article's text", "id, url, title"],
                           good=GOOD_IDS | {"1", "2", "odd-3"})
    assert err.record is None
    dates = {a.id: a.published for a in o.api.articles}
    assert dates["1"] is None and dates["2"].startswith("2024-03-05T10:01")


def test_a_corrupt_zstd_frame_keeps_every_line_before_it(tmp_path: Path):
    import zstandard

    write_good(tmp_path)
    bad = tmp_path / "feed.jsonl.zst"
    lines = "".join(json.dumps({"id": f"z-{i}", "text": body(f"Town {i}")}) + "\n" for i in range(300))
    bad.write_bytes(zstandard.ZstdCompressor().compress(lines.encode("utf-8")) + b"not zstd at all")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    err = assert_one_error(o, input=bad, kind="format", words=["zstd", "after line 300"],
                           good=GOOD_IDS | {f"z-{i}" for i in range(300)})
    assert "corrupt" in err.reason


def _warc(path: Path, n: int) -> list[int]:
    """A gzipped WARC of ``n`` HTML responses; returns each response's start offset and the end."""
    starts = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            page = html_page(f"Page {i}", body(f"Warc town {i}")).encode("utf-8")
            starts.append(fh.tell())
            writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                          payload=io.BytesIO(page), http_headers=headers))
        starts.append(fh.tell())
    return starts


def test_truncated_warc_keeps_the_first_record(tmp_path: Path):
    write_good(tmp_path)
    full = tmp_path / "full.warc.gz"
    starts = _warc(full, 3)
    bad = tmp_path / "crawl.warc.gz"
    data = full.read_bytes()
    bad.write_bytes(data[: (starts[1] + starts[2]) // 2])  # the middle of the second record
    full.unlink()
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    err = assert_one_error(o, input=bad, kind="format", words=["truncated"], good=GOOD_IDS | {"crawl-1"})
    # cut in its WARC headers, the file ends after record 1; cut in its body, record 2 is short
    assert err.record in ("after record 1", "record 2 (https://example.com/1)")
    assert "crawl-2" not in o.ids and "crawl-3" not in o.ids


@pytest.mark.parametrize("cut", ["headers", "body"])
def test_truncated_plain_warc(tmp_path: Path, cut: str):
    """An uncompressed WARC cut in the second record's WARC headers or in its HTML."""
    write_good(tmp_path)
    bad = tmp_path / "crawl.warc"
    starts = []
    with open(bad, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for i in range(2):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            starts.append(fh.tell())
            writer.write_record(writer.create_warc_record(
                f"https://example.com/{i}", "response", http_headers=headers,
                payload=io.BytesIO(html_page(f"Page {i}", body(f"Plain town {i}")).encode())))
    data = bad.read_bytes()
    second = data[starts[1]:]
    at = second.index(b"WARC-Target-URI") if cut == "headers" else second.index(b"<p>") + 20
    bad.write_bytes(data[: starts[1] + at])
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    err = assert_one_error(o, input=bad, kind="format", words=["truncated"], good=GOOD_IDS | {"crawl-1"})
    assert err.record in ("after record 1", "record 2 (https://example.com/1)")


def test_warc_record_without_its_required_headers(tmp_path: Path):
    """A response record with no WARC-Target-URI: warcio fails with an AttributeError on None,
    which used to be the whole message."""
    write_good(tmp_path)
    bad = tmp_path / "headless.warc"
    bad.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    err = assert_one_error(o, input=bad, kind="format", words=["not a readable WARC", "required field"], good=GOOD_IDS)
    assert "NoneType" not in err.reason


def test_deeply_nested_json(tmp_path: Path):
    """json.loads recurses: "[[[[..." raised RecursionError, which stopped the whole run."""
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
        + "[" * 100_000 + "\n"
        + json.dumps({"id": "good-2", "text": body("Oslo")}) + "\n", encoding="utf-8")
    o = run_both(tmp_path, [src])
    assert_one_error(o, input=src, kind="format", record="line 2", words=["malformed JSON", "nested too deeply"])


def test_html_with_no_body(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "shell.html"
    bad.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad])
    assert_one_error(o, input=bad, kind="empty", words=["no article body"])


def test_file_over_the_size_limit(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "huge.txt"
    bad.write_text("Huge headline\n\n" + body("Big") * 20, encoding="utf-8")
    assert bad.stat().st_size > 1000
    settings = copydesk.load_settings().with_overrides({"ingest": {"max_file_bytes": 1000}})
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_file_bytes = 1000\n", encoding="utf-8")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", bad], settings=settings, config=config)
    assert_one_error(o, input=bad, kind="too_large", words=["limit", "1,000", "max_file_bytes"])


def test_json_record_with_no_text(tmp_path: Path):
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
        + json.dumps({"id": "good-2", "text": body("Oslo")}) + "\n"
        + json.dumps({"id": "headline-only", "title": "Only a headline", "text": "   "}) + "\n", encoding="utf-8")
    o = run_both(tmp_path, [src])
    assert_one_error(o, input=src, kind="empty", record="line 3", words=["headline-only", "no article text"])


def test_json_record_whose_text_is_not_text(tmp_path: Path):
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
        + json.dumps({"id": "good-2", "text": body("Oslo")}) + "\n"
        + json.dumps({"id": "numeric", "title": "A number for a body", "Text": 5}) + "\n", encoding="utf-8")
    o = run_both(tmp_path, [src])
    assert_one_error(o, input=src, kind="format", record="line 3", words=["numeric", "'Text'", "must be text", "int"])


def test_duplicate_id_within_one_run(tmp_path: Path):
    write_good(tmp_path)
    first = tmp_path / "a.json"
    first.write_text(json.dumps({"id": "dup", "text": body("First")}), encoding="utf-8")
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"id": "dup", "text": body("Second")}) + "\n", encoding="utf-8")
    o = run_both(tmp_path, [tmp_path / "good.jsonl", first, second])
    assert_one_error(o, input=second, kind="input", record="line 1", words=["duplicate", "'dup'", str(first)],
                     good=GOOD_IDS | {"dup"})
    dup = next(a for a in o.api.articles if a.id == "dup")
    assert "First" in dup.text  # the first one is kept


# -- CLI exit codes and tracebacks ------------------------------------------------------


def _mixed(tmp_path: Path) -> list[str]:
    write_good(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    return [str(tmp_path / "good.jsonl"), str(tmp_path / "empty.txt")]


def test_cli_exit_0_with_some_bad_and_1_with_strict(tmp_path: Path):
    paths = _mixed(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(cli, ["analyze", *paths, "--db", str(tmp_path / "a.db")])
    assert ok.exit_code == 0, ok.output
    assert "empty file" in ok.output and "Traceback" not in ok.output
    strict = runner.invoke(cli, ["analyze", *paths, "--db", str(tmp_path / "b.db"), "--strict", "-q"])
    assert strict.exit_code == 1
    assert f"{tmp_path / 'empty.txt'}: empty file" in strict.stderr
    assert "Traceback" not in strict.output
    # --strict with nothing wrong is still 0
    clean = runner.invoke(cli, ["analyze", paths[0], "--db", str(tmp_path / "c.db"), "--strict", "-q"])
    assert clean.exit_code == 0, clean.output


def test_cli_exit_1_when_nothing_could_be_read(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "empty.txt"), str(tmp_path / "broken.json"),
                                      "--db", str(tmp_path / "c.db"), "--json"])
    assert result.exit_code == 1
    assert "no article could be read" in result.stderr
    assert "Traceback" not in result.output
    summary = json.loads(result.stdout)
    assert {e["input"] for e in summary["errors"]} == {str(tmp_path / "empty.txt"), str(tmp_path / "broken.json")}


def test_cli_traceback_only_with_debug(tmp_path: Path):
    paths = _mixed(tmp_path)
    config = tmp_path / "bad.toml"
    config.write_text("[ingest]\nmax_file_byte = 10\n", encoding="utf-8")  # a typo: unknown key
    runner = CliRunner()
    plain = runner.invoke(cli, ["analyze", *paths, "--db", str(tmp_path / "a.db"), "--config", str(config)])
    assert plain.exit_code == 1
    assert "Error:" in plain.stderr and "max_file_byte" in plain.stderr
    assert "Traceback" not in plain.output
    assert isinstance(plain.exception, SystemExit)
    debug = runner.invoke(cli, ["--debug", "analyze", *paths, "--db", str(tmp_path / "b.db"), "--config", str(config)])
    # with --debug the error propagates with its traceback (CliRunner catches it)
    assert isinstance(debug.exception, copydesk.ConfigError)
    assert debug.exc_info is not None and debug.exc_info[2] is not None


# -- re-reading -------------------------------------------------------------------------


def test_fixed_file_error_disappears_on_rerun(tmp_path: Path):
    write_good(tmp_path)
    bad = tmp_path / "story.json"
    bad.write_text('{"id": "story", "text": ', encoding="utf-8")
    paths = [tmp_path / "good.jsonl", bad]
    db = tmp_path / "c.db"
    first = copydesk.analyze(paths, db=db)
    assert [e.input for e in first.errors] == [str(bad)]
    bad.write_text(json.dumps({"id": "story", "text": body("Fixed")}), encoding="utf-8")
    second = copydesk.analyze(paths, db=db)
    assert second.errors == ()
    with copydesk.open_store(db) as store:
        assert store.errors() == []
        assert "Fixed" in store.article("story").text
        assert {a.id for a in store.articles()} == GOOD_IDS | {"story"}


def test_fixed_line_error_disappears_when_the_rest_is_unchanged(tmp_path: Path):
    """A JSONL file with one bad line: deleting the bad line leaves only records the store
    already holds unchanged, and the old error must still go away."""
    src = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "good-1", "text": body("Lisbon")}) + "\n"
    src.write_text(good + "{oops\n", encoding="utf-8")
    db = tmp_path / "c.db"
    first = copydesk.analyze([src], db=db)
    assert [(e.input, e.record) for e in first.errors] == [(str(src), "line 2")]
    src.write_text(good, encoding="utf-8")
    copydesk.analyze([src], db=db)
    with copydesk.open_store(db) as store:
        assert store.errors() == []


def test_directory_error_disappears_once_the_directory_has_articles(tmp_path: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "notes.xyz").write_text("not an article format")
    db = tmp_path / "dir.db"
    with copydesk.open_store(db) as store:
        copydesk.ingest([folder], store)
        assert [e.reason for e in store.errors()] == [
            "directory holds no readable files (.txt, .html, .json, .jsonl, .csv, .tsv, .warc, .rss, .parquet, ..., "
            "optionally compressed)"]
        (folder / "story.txt").write_text("Headline here\n\nA body paragraph that is long enough to be an article.")
        copydesk.ingest([folder], store)
        assert store.errors() == []
