"""What an uploaded bank file or roster must be before anything of it is kept.

Checked on the name and on the bytes, never on the browser's Content-Type (ASVS V12.2.1):
the extension must be one its format uses, an Excel file must be a ZIP package whose parts
unpack to a sane size (V12.1.2: a 5 MB file must not unpack to gigabytes in openpyxl), a
GIFT or Aiken file must be UTF-8 text; and no file is larger than its limit (V12.1.1).
A refusal is a ServiceError on the file field, in Chinese, and nothing is stored.
"""

from __future__ import annotations

import io
import zipfile

from exam_app.content.old_files import OLE, old_word
from exam_app.services.errors import ServiceError

EXTENSIONS = {
    "excel": (".xlsx", ".xlsm"),
    "word": (".docx",),
    "gift": (".gift", ".txt"),
    "aiken": (".txt", ".aiken"),
    "text": (),  # pasted into the page: no file name to check
}
LABELS = {"excel": "Excel", "word": "Word", "gift": "GIFT", "aiken": "Aiken", "text": "文本"}
# An .xlsx of 5 MB holding 50,000 rows unpacks to well under this.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_PARTS = 1000
_ZIP = b"PK\x03\x04"


def _refuse(message: str) -> ServiceError:
    return ServiceError(message + "文件未保存。", field="file")


def check_upload(data: bytes, filename: str, fmt: str, limit: int) -> None:
    """Raise ServiceError(field="file") unless `data` is a `fmt` file by name and content."""
    if not data:
        raise _refuse("文件是空的，请重新选择。")
    if len(data) > limit:
        raise _refuse(f"文件过大：最多 {limit // (1024 * 1024)} MB，请分批导入。")
    allowed = EXTENSIONS[fmt]
    if allowed and not filename.lower().endswith(allowed):
        raise _refuse(f"文件扩展名与格式不符：{LABELS[fmt]} 文件应以 {'、'.join(allowed)} 结尾。")
    if fmt == "excel":
        _check_package(
            data,
            "Excel（.xlsx）",
            "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再上传。",
        )
    elif fmt == "word":
        _check_package(data, "Word（.docx）", f"{old_word(filename, OLE)}。")
    else:
        _check_text(data, LABELS[fmt])


def _check_package(data: bytes, kind: str, old_format: str) -> None:
    """An Office file (.xlsx, .docx): a ZIP package of sane size, not an old binary one."""
    if data[:4] == OLE:
        raise _refuse(old_format)
    not_xlsx = f"文件内容不是 {kind}文件（可能只是改了扩展名）：请上传用 Office 保存的文件。"
    if data[:4] != _ZIP:
        raise _refuse(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except zipfile.BadZipFile:
        raise _refuse(not_xlsx) from None
    if "[Content_Types].xml" not in {p.filename for p in parts}:
        raise _refuse(not_xlsx)
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise _refuse(f"{kind}文件解压后过大，无法读取：请删去多余的工作表、图片后重试。")


def _check_text(data: bytes, label: str) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _refuse(
            f"{label} 文件应为 UTF-8 编码的文本，第 {line} 行起不是（可能是其他格式改了扩展名）。"
        ) from None
    if "\x00" in text:
        raise _refuse(f"{label} 文件应为纯文本，这个文件含有二进制内容。")
