"""Question bank and case library: read and validate question_bank/*.md and cases/*.md.

Pure: standard library only, no Flask and no database, so the CLI, the DB loader and the
tests share one parser. The file format is described for training leads in
question_bank/README.md and cases/README.md.
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
