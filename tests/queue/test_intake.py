from __future__ import annotations

from pathlib import Path

import pytest

from merchant_screen.errors import InputError
from merchant_screen.queue.intake import check_batch_name, plan_jobs, read_rows


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
        (
            "bad.jsonl",
            '{"url": "https://a.test", "merchant_id": "a"}\n{"url": \n',
            ":2: invalid JSON",
        ),
        ("list.jsonl", '["https://a.test", "a"]\n', ":1: not a JSON object"),
        ("latin1.csv", b"url,merchant_id\nhttps://caf\xe9.test,a\n", "not UTF-8"),
        ("quote.csv", 'url,merchant_id\n"https://a.test"x,a\n', ":2: malformed CSV"),
        ("open.csv", 'url,merchant_id\n"https://a.test,a\n', "malformed CSV"),
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
