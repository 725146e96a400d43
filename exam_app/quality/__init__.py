"""Service quality (服务质量考核): the catalogue of standards, the monthly summary of
客户服务质量考核办法, and the quarterly combined score.

Pure like grading/ and content/: no Flask and no database, so the services, the CLI, the API
and the tests share one set of rules. Money is Decimal; messages for users are Chinese.
"""

from .catalogue import Catalogue, CatalogueInvalid, Standard, load_catalogue, parse_catalogue
from .combined import CombinedScore, Weights, combined_score, quality_score
from .errors import QualityError
from .monthly import (
    DEFAULT_RULES,
    Band,
    MonthSummary,
    Occurrence,
    PersonMonth,
    QualityRules,
    SupervisorShare,
    monthly_summary,
    rules_from_mapping,
    rules_to_mapping,
)

__all__ = [
    "DEFAULT_RULES",
    "Band",
    "Catalogue",
    "CatalogueInvalid",
    "CombinedScore",
    "MonthSummary",
    "Occurrence",
    "PersonMonth",
    "QualityError",
    "QualityRules",
    "Standard",
    "SupervisorShare",
    "Weights",
    "combined_score",
    "load_catalogue",
    "monthly_summary",
    "parse_catalogue",
    "quality_score",
    "rules_from_mapping",
    "rules_to_mapping",
]
