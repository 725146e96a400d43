"""Building papers: one import place for the views, the CLI and the tests."""

from exam_app.services.paper_publishing import (
    clone,
    publish,
    publish_problems,
    revise,
    what_publishing_freezes,
)
from exam_app.services.paper_sections import (
    DrawRule,
    add_choice_section,
    add_draw_section,
    add_fixed_section,
    describe_rule,
    draw_pool_size,
    remove_section,
    set_item_rule,
)
from exam_app.services.paper_settings import PaperSettings, create_paper, update_settings

__all__ = [
    "DrawRule",
    "PaperSettings",
    "add_choice_section",
    "add_draw_section",
    "add_fixed_section",
    "clone",
    "create_paper",
    "describe_rule",
    "draw_pool_size",
    "publish",
    "publish_problems",
    "remove_section",
    "revise",
    "set_item_rule",
    "update_settings",
    "what_publishing_freezes",
]
