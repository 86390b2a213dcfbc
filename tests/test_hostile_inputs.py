"""The hostile-input catalogue: bad arguments, bad batch lines and bad data files,
each with the one line a person reads.

Every entry is a row: what is given, the exit code, and the expected message
(exact). A command line that fails prints exactly one ``Error:`` line on stderr
and nothing on stdout; a bad batch line gives that line's error record and one
``line N:`` message while the lines around it are still priced. All run on the
fixture data (tests/data/fixture/providers.yaml), "today" pinned to 2026-11-21.
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO, assert_one_error_line

RANGE = "give a whole number from 1 to 10,000"
LIST_FIX = f"{RANGE}, a list like 6,12,18 or a range like 1-24"
MONEY_FIX = "write dollars like 50, 49.99 or $1,250"
PACE_FIX = "give sessions a week, from 0.01 to 14, e.g. 1 or 0.5"
DATE_FIX = "write it as YYYY-MM-DD, e.g. 2025-06-13"
TX_INSURERS = "insurers accepted in TX: Aetna, Cigna/Evernorth Behavioral Health, UnitedHealthcare/Optum"
ROUTES = "use one of tablet, troche, injection, nasal-spray"
JSON_FIX = 'write one JSON object per line, e.g. {"provider": "mindbloom", "sessions": 18}'

# --------------------------------------------------------------- bad arguments: (arguments, exit code, message)

ARGUMENTS = [
    (["cost", "alder", "--sessions", "0"], 2, f"--sessions 0 is out of range — {RANGE}"),
    (["compare", "--sessions", "0"], 2, f"--sessions 0 is out of range — {RANGE}"),
    (["chart", "--sessions", "0"], 2, f"--sessions 0 is out of range — {RANGE}"),
    (["report", "--state", "TX", "--sessions", "0"], 2, f"--sessions 0 is out of range — {RANGE}"),
    (["cost", "alder", "--sessions", "1_8"], 2, f"--sessions '1_8' is not a whole number — {LIST_FIX}"),
    (["cost", "alder", "--sessions", "١٨"], 2, f"--sessions '١٨' is not a whole number — {LIST_FIX}"),
    (["cost", "alder", "-n", "6", "--discount", "５０"], 2, f"--discount '５０' is not an amount — {MONEY_FIX}"),
    (["cost", "alder", "-n", "6", "--pace", "1_0"], 2, f"--pace '1_0' is not a number — {PACE_FIX}"),
    (["cost", "alder", "-n", "24", "--pace", "1e-1000000"], 2, f"--pace '1e-1000000' is not a number — {PACE_FIX}"),
    (["compare", "--state", "TX", "--insurer", "e"], 2, f"--insurer 'e' is not a known insurer — {TX_INSURERS}"),
    (["compare", "--state", "TX", "--insurer", ""], 2, f"--insurer '' is empty — {TX_INSURERS}"),
    (["compare", "--insurer", "aetna"], 2,
     "--insurer needs --state — add --state: insurers are accepted state by state"),
    (["compare", "--route", "t"], 2, f"--route 't' is not a route — {ROUTES}"),
    (["cost", "alder", "-n", "6", "--route", "t"], 2, f"--route 't' is not a route — {ROUTES}"),
    (["compare", "--state", "Texsa"], 2, "--state 'Texsa' is not a US state or DC — did you mean TX (Texas)?"),
    (["compare", "--sort", "bogus"], 2,
     "--sort 'bogus' is not a sort key — use one of name, total, total-low, total-high, per-session, due-at-signup"),
    (["compare", "--max-due-at-signup", "-5"], 2, f"--max-due-at-signup '-5' is negative — {MONEY_FIX}"),
    (["cost", "alder", "-n", "6", "--as-of", "2026-02-30"], 2, f"--as-of '2026-02-30' is not a date — {DATE_FIX}"),
    (["cost", "alder", "-n", "6", "--start", "tomorrow"], 2, f"--start 'tomorrow' is not a date — {DATE_FIX}"),
    (["providers", "--format", "xml"], 2,
     "--format 'xml' is not one of table, markdown, json, ndjson, csv, tsv — see 'ketacalc providers --help'"),
    (["batch", "--format", "table"], 2,
     "--format 'table' is not one of ndjson, json, csv, tsv — see 'ketacalc batch --help'"),
    (["cost", "nosuch", "-n", "6"], 1,
     "unknown provider 'nosuch' — known providers: alder, birch, cedar, dune, elm, fern, gale"),
    (["cost", "aldr", "-n", "6"], 1, "unknown provider 'aldr' — did you mean alder or gale?"),
    (["--data", "/etc/passwd", "providers"], 1,
     "bad data file: /etc/passwd:1:1: the file must be a mapping starting with 'version: 1', "
     "not a single value or list"),
    (["--data", "tests", "providers"], 1,
     "bad data file: tests:1:1: is a directory, not a data file; pass the path of a providers.yaml file"),
    (["providers", "--data", "no/such.yaml"], 1,
     "bad data file: no/such.yaml:1:1: no such file; check the path of the data file"),
    (["chart", "--months", "3", "--sessions", "3"], 2,
     "--sessions and --months cannot be used together — give --sessions (N) or --months (M), not both"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), ARGUMENTS, ids=[" ".join(a[0])[:40] for a in ARGUMENTS])
def test_bad_argument(cli, monkeypatch, args, code, message):
    monkeypatch.chdir(REPO)
    assert assert_one_error_line(cli(*args), code) == f"Error: {message}"


# --------------------------------------------------------------- bad batch lines: (line, message)

BATCH_LINES = [
    ('{"provider":"alder","sessions":0}', f"sessions 0 is out of range — {RANGE}"),
    ('{"provider":"alder","sessions":"1_8"}', f"sessions '1_8' is not a whole number — {RANGE}"),
    ('{"provider":"alder","sessions":24,"pace":1e-1000000}', f"pace '1E-1000000' is not a number — {PACE_FIX}"),
    ('{"provider":"alder","sessions":24,"pace":"1e-1000000"}', f"pace '1e-1000000' is not a number — {PACE_FIX}"),
    ('{"provider":"alder","provider":"birch","sessions":6}', "field 'provider' is given twice — give each field once"),
    ('{"provider":"alder"}', "sessions or months is needed — give sessions (e.g. 18) or months (e.g. 3)"),
    ('{"sessions":6}', "provider is missing — give a provider id or name such as mindbloom"),
    ('{"provider":"alder","sessions":6,"colour":"red"}',
     "unknown field 'colour' — use only provider, sessions, months, returning, state, insurer, as_of, start, "
     "pace, pay_in_full, discount, route, max_age, hired_sitter"),
    ('{"provider":"alder","sessions":6,"insurer":"aetna"}',
     "insurer needs state — add state: insurers are accepted state by state"),
    ('{"provider":"alder","sessions":true}', f"sessions true is not a whole number — {RANGE}"),
    ('{"provider":"alder","sessions":[6]}', "sessions is a list, not text or a number — give sessions as text"),
    ('{"provider":"alder","sessions":6.5}', f"sessions '6.5' is not a whole number — {RANGE}"),
    ('{"provider":"alder","sessions":6,"months":2}', "sessions and months cannot be used together — give sessions (N) or months (M), not both"),
    ('{"provider":"alder","sessions":6,"start":"2026-13-01"}', f"start '2026-13-01' is not a date — {DATE_FIX}"),
    ('{"provider":"alder","sessions":6,"route":"t"}', f"route 't' is not a route — {ROUTES}"),
    ('{"provider":"nosuch","sessions":6}',
     "unknown provider 'nosuch' — known providers: alder, birch, cedar, dune, elm, fern, gale"),
    ("[]", f"a scenario must be a JSON object — {JSON_FIX}"),
    ("not json", f"not valid JSON (Expecting value at column 1) — {JSON_FIX}"),
    ('{"provider":"alder","sessions":NaN}', f"not valid JSON (NaN is not a JSON value) — {JSON_FIX}"),
    ('{"provider":"alder","sessions":6,"x":"' + "y" * 140_000 + '"}',
     "longer than 131,072 bytes — no scenario needs that much: check the input"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), BATCH_LINES, ids=[line[:40] for line, _ in BATCH_LINES])
def test_bad_batch_line_between_good_ones(cli, line, message):
    good = '{"provider":"alder","sessions":4}'
    result = cli("batch", input=f"{good}\n{line}\n{good}\n")
    assert result.exit_code == 1, result.stderr
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[0]["total"] == records[2]["total"] is not None
    assert records[1] == {"schema_version": 1, "line": 2, "error": message}
    assert result.stderr == f"line 2: {message}\n"


CSV_INPUTS = [
    ("Provider,Sessions\nalder,4\nalder,6,7\n", "line 3: has 3 fields, the header has 2 — give one field per "
     "column; leave a field empty when it is not given"),
    ("provider,provider\nalder,alder\n", "line 2: column 'provider' appears twice in the header — give each column once"),
    ('provider,sessions\n"alder,6\n', "line 2: not a CSV row (unexpected end of data) — close every quote on the "
     "line it opens"),
    ("provider,sessions\nalder," + "9" * 140_000 + "\n", "line 2: longer than 131,072 bytes — no scenario needs "
     "that much: check the input"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), CSV_INPUTS, ids=[t[:30] for t, _ in CSV_INPUTS])
def test_bad_csv_input(cli, text, message):
    result = cli("batch", input=text)
    assert result.exit_code == 1
    assert result.stderr == message + "\n"


# --------------------------------------------------------------- bad data files: (file in tests/data/bad, message)

DATA_FILES = [
    ("empty.yaml", "1:1: the file is empty; start it with 'version: 1'"),
    ("just-a-list.yaml", "2:1: the file must be a mapping starting with 'version: 1', not a single value or list"),
    ("wrong-version.yaml", "2:10: version: must be 1, got 2"),
    ("money-float.yaml", "29:20: providers.0.plans.0.prices.0.price: money must not be a YAML float (it cannot "
     "hold cents exactly); quote it, e.g. '1200.5'"),
    ("unknown-key-pricez.yaml", "26:9: providers.0.plans.0.pricez: unknown key 'pricez'; did you mean 'prices'?"),
    ("duplicate-key.yaml", "13:5: providers.0.name: duplicate key 'name'; keep one of them"),
    ("alias-bomb.yaml", "4:8: b.0: YAML aliases (*a) are not allowed; write the value out in full"),
    ("alias-names-another-provider.yaml", "33:15: providers.1.aliases.0: 'ACME' already names provider 'acme'; "
     "ids, names and aliases must be unique across providers (ignoring case, spaces and punctuation)"),
    ("not-utf8.yaml", "12:17: is not valid UTF-8; save the file as UTF-8"),
    ("control-character.yaml", "12:17: character U+0007 is not allowed in YAML; remove it"),
    ("impossible-date.yaml", "7:11: sources.review-2025.date: '2025-02-30' is not a real calendar date"),
    ("installments-do-not-add-up.yaml", "27:13: providers.0.plans.0.prices.0: installments 3 × 401.00 = 1203.00 "
     "do not add up to the price 1200.00; fix the count, amount or price"),
    ("unknown-state.yaml", "18:21: providers.0.states.0.codes.1: 'XX' is not a USPS code of a US state or DC "
     "(e.g. 'TX')"),
    ("yaml-tab-indent.yaml", "12:1: YAML syntax error: found a tab character that violates indentation"),
    ("two-documents.yaml", "5:1: more than one YAML document; keep a single document (no '---')"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), DATA_FILES, ids=[n for n, _ in DATA_FILES])
def test_bad_data_file(cli, monkeypatch, name, message):
    monkeypatch.chdir(REPO)
    path = f"tests/data/bad/{name}"
    line = assert_one_error_line(cli("--data", path, "providers"), 1)
    assert line == f"Error: bad data file: {path}:{message}"
    # and after the command, too
    assert assert_one_error_line(cli("providers", "--data", path), 1) == line


def test_a_data_file_is_never_echoed_at_length(cli, tmp_path):
    """A 900 KB one-line file gives a short error line, quoting at most the offending token."""
    path = tmp_path / "big.yaml"
    path.write_text("x" * 900_000, encoding="utf-8")
    line = assert_one_error_line(cli("--data", str(path), "providers"), 1)
    assert len(line) < 300


@pytest.mark.parametrize("path", ["a\nb", "x\x1b[31m.yaml", "\u2028odd.yaml", "d/" * 80 + "long.yaml"])
def test_a_data_path_is_echoed_on_one_printable_line(cli, path):
    """Found by a larger Hypothesis run: a newline in --data split the error in two."""
    line = assert_one_error_line(cli("--data", path, "providers"), 1)
    assert line.isprintable()
    assert len(line) < 160
    assert "no such file" in line
