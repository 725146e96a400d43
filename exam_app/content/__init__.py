"""Question bank and case library: read and validate question_bank/*.md and cases/*.md.

Pure: no Flask and no database (openpyxl only for Excel), so the CLI, the DB loader, the
bank pages and the tests share one parser. The file format is described for training leads in
question_bank/README.md and cases/README.md. Import and export: build.py (one rule book for
items given as fields), excel.py / excel_read.py, gift.py / gift_write.py, aiken.py.
"""

from .files import parse_case_file, parse_question_file
from .loader import load_content
from .model import CaseSpec, ContentError, ContentSet, Criterion, Option, QuestionSpec

__all__ = [
    "CaseSpec",
    "ContentError",
    "ContentSet",
    "Criterion",
    "Option",
    "QuestionSpec",
    "load_content",
    "parse_case_file",
    "parse_question_file",
]
