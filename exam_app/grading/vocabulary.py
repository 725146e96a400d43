"""The names of item kinds and scoring rules, with the Chinese labels shown to users."""

KIND_LABELS: dict[str, str] = {
    "single": "单选",
    "multi": "多选",
    "tf": "判断",
    "fill": "填空",
    "essay": "简答",
}

# Essays are marked by reviewers against a rubric, so they are not in this set.
AUTO_KINDS: frozenset[str] = frozenset({"single", "multi", "tf", "fill"})

MULTI_RULES: dict[str, str] = {
    "exact": "少选不得分",
    "half": "少选得一半分",
    "per_option": "少选按选项得分",
    "weighted": "按选项权重得分",
}

FILL_RULES: dict[str, str] = {
    "per_blank": "逐空给分",
    "all_or_nothing": "全对才得分",
}

# Used when an item or section sets no rule.
DEFAULT_MULTI_RULE = "exact"
DEFAULT_FILL_RULE = "per_blank"
