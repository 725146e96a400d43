"""Uploads of bank files (Excel, GIFT, Aiken) and rosters are checked by name and by content
before anything of them is kept: a renamed file, a wrong extension, a zip bomb or an
oversized file gets a clear Chinese error on the form, and nothing is stored (no staged
import, no item, no account)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from exam_app.content.excel import write_workbook
from exam_app.extensions import db
from exam_app.models import BankImport, Question, Role, User
from exam_app.services.bank_transfer import MAX_UPLOAD
from tests.factories import person

GIFT = "::g1:: 客服热线的号码是？ {=95598 ~12345 ~10086}\n".encode()
AIKEN = "客服热线的号码是？\nA. 95598\nB. 12345\nANSWER: A\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200


def _xlsx() -> bytes:
    return write_workbook([])


def _roster_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["工号", "姓名", "部门", "岗位", "角色"])
    book.active.append(["U9001", "赵六", "客服一部", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A real .xlsx package plus one part that unpacks to 201 MB of zeros (about 200 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        with zipfile.ZipFile(io.BytesIO(_xlsx())) as real:
            for part in real.infolist():
                package.writestr(part, real.read(part))
        with package.open("xl/media/zeros.bin", "w") as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(201):
                part.write(chunk)
    return out.getvalue()


@pytest.fixture
def admin(app, make_client):
    person("admin", Role.ADMIN)
    web = make_client()
    web.login("admin")
    return web


def _stored() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count(model.id))) for model in (BankImport, Question, User)
    )


def _bank_upload(web, data: bytes, name: str, fmt: str = "", topic: str = ""):
    payload = {"file": (io.BytesIO(data), name), "format": fmt, "topic": topic}
    return web.post("/bank/import", payload, content_type="multipart/form-data")


def _roster_upload(web, data: bytes, name: str):
    payload = {"file": (io.BytesIO(data), name), "preview": "y"}
    return web.post("/staffing/roster", payload, content_type="multipart/form-data")


def _refused(response, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:300]
    assert message in page and "文件未保存" in page, page[:2000]


@pytest.mark.parametrize(
    "data, name, fmt, message",
    [
        (PNG, "题库.xlsx", "", "不是 Excel（.xlsx）文件"),
        (GIFT, "题库.xlsx", "excel", "不是 Excel（.xlsx）文件"),
        (OLD_XLS, "题库.xlsx", "", "旧版 Excel（.xls）"),
        (PNG, "题库.gift", "", "GIFT 文件应为 UTF-8"),
        (PNG, "题库.txt", "aiken", "Aiken 文件应为 UTF-8"),
        (b"::a:: x {T}\x00\n", "题库.gift", "", "含有二进制内容"),
        (PNG, "题库.docx", "word", "不是 Word（.docx）文件"),
        (OLD_XLS, "题库.docx", "word", "旧版 Word（.doc）"),
    ],
    ids=[
        "png-as-xlsx",
        "text-as-xlsx",
        "xls-as-xlsx",
        "png-as-gift",
        "png-as-aiken",
        "nul",
        "png-as-docx",
        "doc-as-docx",
    ],  # fmt: skip
)
def test_a_bank_file_whose_content_is_not_its_format_is_refused(lead, data, name, fmt, message):
    """ASVS V12.2.1: a bank upload is checked by its content (ZIP package, UTF-8 text), not
    trusted by its name; a renamed file is refused with a Chinese error and nothing kept."""
    before = _stored()
    _refused(_bank_upload(lead, data, name, fmt, topic="供用电基本知识"), message)
    assert _stored() == before


@pytest.mark.parametrize(
    "data, name, fmt",
    [
        (_xlsx(), "题库.exe", "excel"),
        (_xlsx(), "题库.html", "excel"),
        (GIFT, "题库.html", "gift"),
        (AIKEN, "题库.js", "aiken"),
    ],
    ids=["xlsx-as-exe", "xlsx-as-html", "gift-as-html", "aiken-as-js"],
)
def test_a_bank_file_with_an_extension_its_format_does_not_use_is_refused(lead, data, name, fmt):
    """ASVS V12.2.1: only the extensions of the chosen format are taken (.xlsx/.xlsm,
    .gift/.txt, .txt/.aiken), even when the content would read."""
    before = _stored()
    _refused(_bank_upload(lead, data, name, fmt, topic="供用电基本知识"), "扩展名与格式不符")
    assert _stored() == before


def test_an_oversized_bank_file_is_refused_before_it_is_kept(lead):
    """ASVS V12.1.1: a bank file over 5 MB (under the 16 MB request ceiling, so the form
    itself answers) is refused in Chinese and not stored."""
    before = _stored()
    data = b"PK\x03\x04" + b"\x00" * MAX_UPLOAD
    _refused(_bank_upload(lead, data, "题库.xlsx"), "文件过大：最多 5 MB")
    assert _stored() == before


def test_an_xlsx_that_unpacks_to_hundreds_of_megabytes_is_refused(lead):
    """ASVS V12.1.2: the ZIP package's unpacked size is checked before openpyxl opens it."""
    before = _stored()
    bomb = _zip_bomb()
    assert len(bomb) < MAX_UPLOAD
    _refused(_bank_upload(lead, bomb, "题库.xlsx"), "解压后过大")
    assert _stored() == before


def test_a_good_bank_file_is_still_staged_for_its_preview(lead):
    """ASVS V12.2.1 (the other side): a real .xlsx under its own name passes the checks."""
    response = _bank_upload(lead, _xlsx(), "题库.xlsx")
    assert response.status_code == 302 and "/bank/import/" in response.headers["Location"]


@pytest.mark.parametrize(
    "data, name, message",
    [
        ("工号,姓名\nU9001,赵六\n".encode(), "花名册.xlsx", "不是 Excel（.xlsx）文件"),
        (PNG, "花名册.xlsx", "不是 Excel（.xlsx）文件"),
        (_roster_xlsx(), "花名册.csv", "扩展名与格式不符"),
        (b"PK\x03\x04" + b"\x00" * MAX_UPLOAD, "花名册.xlsx", "文件过大"),
    ],
    ids=["csv-as-xlsx", "png-as-xlsx", "xlsx-as-csv", "oversized"],
)
def test_a_roster_that_is_not_an_xlsx_or_too_large_is_refused(admin, data, name, message):
    """ASVS V12.2.1 / V12.1.1: a roster must be an .xlsx by name and content and at most
    5 MB; otherwise a Chinese error and no account is made."""
    before = _stored()
    _refused(_roster_upload(admin, data, name), message)
    assert _stored() == before
