"""Old binary Office files, which the importers cannot read: a clear message instead."""

from __future__ import annotations

OLE = b"\xd0\xcf\x11\xe0"  # the header of old binary Office files (.doc, .xls, .wps)


def old_word(filename: str, data: bytes = b"") -> str | None:
    """Why an old binary Word file cannot be read, naming it; None for any other file.

    Reading .doc needs a converter (antiword, LibreOffice) the install does not have; Word
    and WPS both save as .docx in two clicks, so the lead is told to do that."""
    name = filename.lower()
    if name.endswith(".wps"):
        return f"“{filename}”是 WPS 文字（.wps）文件，请在 WPS 中另存为 .docx 后再导入"
    if name.endswith(".doc") or (name.endswith(".docx") and data[:4] == OLE):
        return f"“{filename}”是旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入"
    return None
