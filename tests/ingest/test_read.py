"""Reading plan files: encodings, and clear errors for what is not a plan."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.read import read_plan
from tests.conftest import PLAN_TEXT

ORIGINAL = PLAN_TEXT.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding, bom", [
    pytest.param("utf-8", b"", id="utf-8"),
    pytest.param("utf-8", codecs.BOM_UTF8, id="utf-8-bom"),
    pytest.param("utf-16-le", codecs.BOM_UTF16_LE, id="utf-16-le-bom"),
    pytest.param("utf-16-be", codecs.BOM_UTF16_BE, id="utf-16-be-bom"),
    pytest.param("utf-16-le", b"", id="utf-16-le-no-bom"),
    pytest.param("gbk", b"", id="gbk"),
    pytest.param("gb18030", b"", id="gb18030"),
])
def test_every_supported_encoding_decodes_to_the_same_text(tmp_path: Path, encoding: str, bom: bytes) -> None:
    f = tmp_path / "plan.md"
    f.write_bytes(bom + ORIGINAL.encode(encoding))
    doc = read_plan(f)
    assert doc.text == ORIGINAL
    assert not doc.text.startswith("\ufeff")


@pytest.mark.parametrize("content, expected", [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"   \n\n\t  \n", "empty", id="whitespace-only"),
    pytest.param(bytes(range(256)) * 64, "binary", id="binary"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 500, "binary", id="png"),
    pytest.param(ORIGINAL.rstrip().encode("utf-8")[:-1], "truncated", id="truncated-utf8"),
    pytest.param("规划".encode() + b"\xff\xfe\xfa\xfb" * 40, "not valid", id="undecodable"),
])
def test_bad_files_raise_one_line_error_naming_the_file(tmp_path: Path, content: bytes, expected: str) -> None:
    f = tmp_path / "bad.md"
    f.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_plan(f)
    message = str(info.value)
    assert message.startswith(str(f))
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        read_plan(tmp_path / "nope.md")


def test_text_is_kept_as_published(tmp_path: Path) -> None:
    f = tmp_path / "crlf.md"
    text = ORIGINAL.replace("\n", "\r\n")
    f.write_bytes(text.encode("utf-8"))
    assert read_plan(f).text == text
