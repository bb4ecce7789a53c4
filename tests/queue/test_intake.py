from __future__ import annotations

import csv
from pathlib import Path

import pytest

from merchant_screen.errors import InputError
from merchant_screen.queue.intake import UnreadableRow, check_batch_name, plan_jobs, read_rows


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_keep_line_numbers_and_ignore_extra_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.csv",
        "\ufeffURL, merchant_id ,declared_name,notes\n"
        "https://a.test/,m1,Shop A,x\n\n"
        '"https://b.test/x","m2","Shop, B",y\n',
    )
    rows = read_rows(path)
    assert [line for line, _ in rows] == [2, 4]
    plan = plan_jobs(rows)
    assert [(j.merchant_id, j.url, j.domain, j.line) for j in plan.valid] == [
        ("m1", "https://a.test/", "a.test", 2),
        ("m2", "https://b.test/x", "b.test", 4),
    ]
    assert plan.valid[1].declared_name == "Shop, B"


def test_jsonl_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.jsonl",
        '{"url": "shop.example.co.uk/a", "merchant_id": 7, "declared_description": "tea"}\n'
        "\n"
        '{"url": "https://x.test", "merchant_id": "m2"}\n',
    )
    plan = plan_jobs(read_rows(path))
    assert [(j.merchant_id, j.url, j.domain, j.line) for j in plan.valid] == [
        ("7", "https://shop.example.co.uk/a", "example.co.uk", 1),
        ("m2", "https://x.test/", "x.test", 3),
    ]
    assert plan.valid[0].declared_description == "tea"


def test_jsonl_is_recognised_by_content_without_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.txt", '{"url": "https://a.test", "merchant_id": "a"}\n')
    assert len(plan_jobs(read_rows(path)).valid) == 1


def test_invalid_rows_keep_their_reason_and_duplicates_are_reported() -> None:
    rows = [
        (2, {"url": "https://a.test", "merchant_id": "a"}),
        (3, {"url": "ftp://b.test", "merchant_id": "b"}),
        (4, {"url": "https://c.test", "merchant_id": " "}),
        (5, {"url": "", "merchant_id": "d"}),
        (6, {"url": "https://a2.test", "merchant_id": "a"}),
        (7, {"url": "http://exa mple.test", "merchant_id": "e"}),
        (8, {"url": ["x"], "merchant_id": "f"}),
        (9, {"url": "https://g.test", "merchant_id": "x" * 201}),
    ]
    plan = plan_jobs(rows)
    assert [j.merchant_id for j in plan.valid] == ["a"]
    reasons = {row.merchant_id: row.reason for row in plan.invalid}
    assert "unsupported scheme" in reasons["b"]
    assert reasons["(line 4)"] == "missing merchant_id"
    assert reasons["d"] == "missing url"
    assert "invalid URL" in reasons["e"]
    assert reasons["f"] == "url must be a string"
    assert "1-200" in reasons["(line 9)"]
    assert [(d.merchant_id, d.line, d.first_line) for d in plan.duplicates] == [("a", 6, 2)]
    assert plan.rows == len(rows)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", None, "cannot read"),
        ("empty.csv", "", "empty file"),
        ("blank.jsonl", "\n\n", "empty file"),
        ("header.csv", "merchant,website\nm1,https://a.test\n", "must name url and merchant_id"),
        ("list.jsonl", '["https://a.test", "a"]\n', ":1: not a JSON object"),
        ("garbage.jsonl", '{"url": \n[1]\n', ":1: invalid JSON"),
        ("latin1.csv", b"url,merchant_id\nhttps://caf\xe9.test,a\n", "not UTF-8"),
        ("badheader.csv", '"url"x,merchant_id\nhttps://a.test,a\n', ":1: malformed CSV"),
    ],
)
def test_unusable_files_raise_one_line(
    tmp_path: Path, name: str, content: str | bytes | None, expected: str
) -> None:
    path = tmp_path / name if content is None else write(tmp_path, name, content)
    with pytest.raises(InputError) as caught:
        read_rows(path)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_batch_names() -> None:
    assert check_batch_name(" june ") == "june"
    for bad in ("", "a\nb", "x" * 201):
        with pytest.raises(InputError):
            check_batch_name(bad)


# --- one unreadable line fails as a row; the rest of the batch goes on ------------------------


def test_a_bad_jsonl_line_is_a_failed_row_not_a_failed_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.jsonl",
        '{"url": "https://a.test", "merchant_id": "a"}\n'
        '{"url": \n'
        '["https://b.test", "b"]\n'
        '{"url": "https://c.test", "merchant_id": "c"}\n',
    )
    plan = plan_jobs(read_rows(path))
    assert [(j.merchant_id, j.line) for j in plan.valid] == [("a", 1), ("c", 4)]
    assert [(r.merchant_id, r.url, r.line, r.reason) for r in plan.invalid] == [
        ("(line 2)", None, 2, "invalid JSON: Expecting value (column 9)"),
        ("(line 3)", None, 3, "not a JSON object (a list)"),
    ]
    assert plan.rows == 4


def test_malformed_csv_records_are_failed_rows_not_a_failed_file(tmp_path: Path) -> None:
    huge = "y" * (csv.field_size_limit() + 1)
    path = write(
        tmp_path,
        "b.csv",
        "url,merchant_id,declared_description\n"
        "https://a.test,a,\n"
        '"https://b.test"x,b,\n'
        f"https://c.test,c,{huge}\n"
        "https://d.test,d,\n"
        '"https://e.test,e,\n'
        "https://f.test,f,\n",
    )
    plan = plan_jobs(read_rows(path))
    assert [(j.merchant_id, j.line) for j in plan.valid] == [("a", 2), ("d", 5)]
    reasons = {r.line: r.reason for r in plan.invalid}
    assert reasons == {
        3: "malformed CSV: ',' expected after '\"'",
        4: f"malformed CSV: field larger than field limit ({csv.field_size_limit()})",
        6: "malformed CSV: unexpected end of data",  # an unclosed quote takes the rest
    }
    assert all(r.merchant_id == f"(line {r.line})" for r in plan.invalid)


def test_an_unreadable_row_reads_as_an_empty_mapping() -> None:
    row = UnreadableRow("invalid JSON: x")
    assert dict(row) == {} and row.get("url") is None and "url" not in row
    assert plan_jobs([(7, row)]).invalid[0].reason == "invalid JSON: x"


def test_a_json_number_too_large_for_a_float_is_not_an_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.jsonl",
        '{"url": "https://a.test", "merchant_id": 1.5e400}\n'
        '{"url": "https://b.test", "merchant_id": 12}\n',
    )
    plan = plan_jobs(read_rows(path))
    assert [j.merchant_id for j in plan.valid] == ["12"]
    assert [(r.merchant_id, r.reason) for r in plan.invalid] == [
        ("(line 1)", "merchant_id must be a string, not the number inf")
    ]
