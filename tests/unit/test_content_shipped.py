"""The shipped question_bank/ and cases/: clean, complete, gradable and honest about sources."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from exam_app.content import load_content, parse_case_file, parse_question_file
from exam_app.grading.scoring import score_item, validate_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT)


def all_questions(content):
    return content.questions + [q for case in content.cases for q in case.questions]


def test_every_shipped_file_loads_without_errors(content):
    assert [str(e) for e in content.errors] == []


def test_every_file_contributes(content):
    bank_files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "question_bank").glob("*.md")}
    case_files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cases").glob("*.md")}
    assert {q.file for q in content.questions} == bank_files - {"question_bank/README.md"}
    assert {c.file for c in content.cases} == case_files - {"cases/README.md"}


def test_ids_are_unique_across_bank_and_cases(content):
    ids = [q.id for q in all_questions(content)]
    assert len(ids) == len(set(ids))
    case_ids = [c.id for c in content.cases]
    assert len(case_ids) == len(set(case_ids))


def test_counts(content):
    counts = content.counts()
    objective = counts["questions"] - counts["by_kind"].get("essay", 0)
    assert objective >= 40
    assert set(counts["by_kind"]) == {"single", "multi", "tf", "fill", "essay"}
    assert counts["by_topic"]["供用电基本知识"] == 12
    assert counts["cases"] >= 4
    assert counts["case_questions"] >= counts["cases"]
    # Papers draw "5 of topic X": at least two topics need 8 or more items.
    assert sum(1 for n in counts["by_topic"].values() if n >= 8) >= 2
    for topic in ("电费与违约金", "居民家用电器损坏处理", "供用电法规", "物业管理法规"):
        assert counts["by_topic"][topic] >= 5
    assert counts["by_topic"]["服务规范与文明用语"] >= 5
    assert counts["by_topic"]["投诉分类与处理时限"] >= 5


def test_every_rule_variant_is_present(content):
    rules = Counter((q.kind, q.rule) for q in content.questions)
    for variant in [("multi", "weighted"), ("multi", "half"), ("fill", "per_blank")]:
        assert rules[variant] >= 1, variant
    assert any(q.kind == "fill" and q.key["any_order"] for q in content.questions)


def test_objective_items_cite_a_source_and_explain(content):
    for q in all_questions(content):
        if q.kind != "essay":
            assert q.source, q.id
            assert q.explanation, q.id


def test_every_objective_key_is_accepted_by_the_grader_and_full_answers_score_full(content):
    for q in all_questions(content):
        if q.kind == "essay":
            continue
        validate_key(q.kind, q.key, q.rule)
        if q.kind == "single" or q.kind == "tf":
            response = q.key["answer"]
        elif q.kind == "multi":
            response = q.key["answers"]
        else:
            response = [blank[0][0] for blank in q.key["blanks"]]
        outcome = score_item(q.kind, q.key, response, q.points, q.rule)
        assert outcome.full, q.id


def test_essays_have_rubrics_adding_up_and_reference_answers(content):
    essays = [q for q in all_questions(content) if q.kind == "essay"]
    assert essays
    for q in essays:
        assert sum(c.points for c in q.rubric) == q.points, q.id
        assert all(c.key_points for c in q.rubric), q.id
        assert q.reference_answer, q.id


def test_basic_knowledge_essays_follow_the_seed(content):
    essays = [q for q in content.questions if q.topic == "供用电基本知识"]
    assert len(essays) == 12
    for q in essays:
        assert q.kind == "essay" and q.points == 5, q.id
        assert "答题不完整扣2分" in q.guidance, q.id
        assert [c.points for c in q.rubric] == [3, 2], q.id
    # The tariff questions rest on facts that differ by province: the answers must say so.
    for q in sorted(essays, key=lambda q: q.id)[:7]:
        assert "本省" in q.reference_answer, q.id


OLD_ARTICLE = re.compile(
    r"《供电营业规则》(?:[（(][^）)]*[）)])?第(?:九十八|四十七|四十八|98|47|48)条"
)


def test_old_supply_rule_articles_are_never_cited_as_current(content):
    texts = []
    for q in all_questions(content):
        texts += [q.stem, q.explanation, q.source, q.reference_answer, q.guidance]
        texts += [o.text for o in q.options] + [kp for c in q.rubric for kp in c.key_points]
    for case in content.cases:
        texts += [case.scenario, case.basis, case.source]
    for text in texts:
        for match in OLD_ARTICLE.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            around = text[max(0, match.start() - 12) : match.end() + 30]
            assert "原" in before or "1996" in around, text


def test_cases_rest_on_cited_rules(content):
    for case in content.cases:
        assert case.scenario and case.source
        assert re.search(r"第[一二三四五六七八九十百千零]+条", case.basis), case.id
        for q in case.questions:
            assert q.case_id == case.id
            assert q.topic == case.topic


def test_reload_gives_the_same_checksums(content):
    again = load_content(ROOT)
    assert [q.checksum() for q in content.questions] == [q.checksum() for q in again.questions]
    assert [c.checksum() for c in content.cases] == [c.checksum() for c in again.cases]
    assert len({q.checksum() for q in all_questions(content)}) == len(all_questions(content))


FENCE = re.compile(r"```markdown\n(.*?)```", re.S)


@pytest.mark.parametrize("readme", ["question_bank/README.md", "cases/README.md"])
def test_readme_examples_are_valid(readme):
    """The examples training leads copy from must themselves pass the checks."""
    blocks = FENCE.findall((ROOT / readme).read_text(encoding="utf-8"))
    assert blocks
    for block in blocks:
        if block.startswith("---\n编号"):
            case, errors = parse_case_file(block, readme)
            assert errors == [] and case is not None, [str(e) for e in errors]
        else:
            text = block if block.startswith("---") else "---\n知识点: 示例\n---\n\n" + block
            questions, errors = parse_question_file(text, readme)
            assert errors == [] and questions, [str(e) for e in errors]


def test_readme_shows_every_kind():
    blocks = FENCE.findall((ROOT / "question_bank/README.md").read_text(encoding="utf-8"))
    kinds = set()
    rules = set()
    for block in blocks:
        text = block if block.startswith("---") else "---\n知识点: 示例\n---\n\n" + block
        for q in parse_question_file(text, "README")[0]:
            kinds.add(q.kind)
            rules.add(q.rule)
            if q.kind == "fill" and q.key["any_order"]:
                rules.add("any_order")
    assert kinds == {"single", "multi", "tf", "fill", "essay"}
    assert {"half", "weighted", "per_blank", "any_order"} <= rules


def test_nothing_shown_to_people_names_the_projects_own_source_files():
    """出处, 解析, rubrics and the authors' guides cite the company's rule by its own title
    (《客户服务质量考核办法》…), never the project's word for its source files."""
    from exam_app.content.excel import HELP
    from exam_app.services.example_papers import EXAMPLES

    files = sorted((ROOT / "question_bank").glob("*.md")) + sorted((ROOT / "cases").glob("*.md"))
    offending = [f.name for f in files if "种子" in f.read_text(encoding="utf-8")]
    assert offending == []
    assert not [e for e in EXAMPLES if "种子" in e[4]]
    assert not [row for row in HELP if "种子" in " ".join(map(str, row))]


def test_no_likely_twins_are_left_without_a_group(content):
    assert [str(e) for e in content.twins] == []


def test_the_twins_the_audit_named_share_a_group(content):
    group = {q.id: q.exclusion_group for q in content.questions}
    assert group["gydfg-010"] == group["fgfk-001"] == group["fgfk-002"] is not None
    for item in ("tsfl-007", "tsfl-008", "tsfl-009", "tsfl-010"):
        twins = [q for q in content.questions if q.exclusion_group == group[item] and q.id != item]
        assert group[item] is not None and any(q.id.startswith("hfsx-") for q in twins)
