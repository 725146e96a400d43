"""Write the bank as Moodle GIFT, plus comment lines that let our own reader restore it whole.

Moodle reads the native part (names, categories, choices with weights, true/false, one-blank
fill-ins as short answers, essays, general feedback) and ignores "//" lines. What GIFT cannot
say (points, difficulty, source, rubric, scoring rule, fill-ins with several blanks, cases)
is written in "// @exam-meta {json}" before the item. Each item is read back before it is
written; if anything would change, the whole item goes into the meta line ("exact").
"""

from __future__ import annotations

import json
from decimal import Decimal

from .gift import read_gift
from .gift_meta import CASE_META, META
from .model import CaseSpec, QuestionSpec, fmt_decimal

_ESCAPE = str.maketrans({"\\": "\\\\", ":": "\\:", "#": "\\#", "=": "\\=", "{": "\\{",
                         "}": "\\}", "~": "\\~", "\n": "\\n", "\r": ""})  # fmt: skip


def escape(text: str) -> str:
    """Moodle's repchar(): the GIFT control characters and newlines, escaped."""
    return text.translate(_ESCAPE)


def _percent(weight: Decimal) -> str:
    return fmt_decimal(weight * 100)


def _shares(count: int) -> list[str]:
    """Equal weights adding up to exactly 100%, as Moodle wants for multiple answers."""
    share = (Decimal(100) / count).quantize(Decimal("0.00001"), rounding="ROUND_DOWN")
    return [fmt_decimal(share)] * (count - 1) + [fmt_decimal(Decimal(100) - share * (count - 1))]


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _meta(spec: QuestionSpec, native_fill: bool) -> dict:
    meta: dict = {"difficulty": spec.difficulty, "points": fmt_decimal(spec.points)}
    if spec.source:
        meta["source"] = spec.source
    if spec.case_id:
        meta["case"] = spec.case_id
    if spec.exclusion_group:
        meta["group"] = spec.exclusion_group
    if spec.kind in ("multi", "fill"):
        meta["rule"] = spec.rule
    if spec.kind == "fill":
        meta["any_order"] = bool(spec.key.get("any_order"))
        if not native_fill:
            meta["kind"] = "fill"
            meta["blanks"] = spec.key.get("blanks", [])
    if spec.kind == "essay":
        if spec.rubric:
            meta["step"] = fmt_decimal(spec.rubric[0].step)
            meta["rubric"] = [
                [c.title, fmt_decimal(c.points), list(c.key_points)]
                + (
                    [[[lv.label, fmt_decimal(lv.points), lv.description] for lv in c.levels]]
                    if c.levels
                    else []
                )
                for c in spec.rubric
            ]
        for name in ("reference_answer", "guidance"):
            if getattr(spec, name):
                meta[name] = getattr(spec, name)
    return meta


def _answers(spec: QuestionSpec) -> list[str]:
    if spec.kind == "single":
        return [("=" if o.correct else "~") + escape(o.text) for o in spec.options]
    if spec.kind == "multi":
        if spec.rule == "weighted":
            weights = [o.weight or Decimal(0) for o in spec.options]
            return [
                "~" + (f"%{_percent(w)}%" if w else "") + escape(o.text)
                for o, w in zip(spec.options, weights, strict=True)
            ]
        # Moodle has no "少选不得分" etc.: give it the nearest (per option, wrong = -100%);
        # the real rule travels in the meta line.
        shares = iter(_shares(sum(1 for o in spec.options if o.correct)))
        return [
            f"~%{next(shares) if o.correct else '-100'}%" + escape(o.text) for o in spec.options
        ]
    if spec.kind == "tf":
        return ["TRUE" if spec.key.get("answer") else "FALSE"]
    if spec.kind == "fill":
        return [
            "=" + ("" if Decimal(w) == 1 else f"%{_percent(Decimal(w))}%") + escape(text)
            for text, w in spec.key["blanks"][0]
        ]
    return []


def _block(spec: QuestionSpec, meta: dict) -> str:
    tags = "".join(" [tag:" + t.replace("]", "\\]") + "]" for t in spec.tags)
    lines = [f"// [id:{spec.id}]{tags}"]
    lines.append(f"// {META} {_json(meta)}")
    native_fill = spec.kind == "fill" and "blanks" not in meta
    answers = _answers(spec) if spec.kind != "fill" or native_fill else []
    feedback = f"####{escape(spec.explanation)}" if spec.explanation else ""
    head = f"::{spec.id}::[markdown]"
    if native_fill:
        before, _, after = spec.stem.partition("{{1}}")
        inner = " ".join(answers) + feedback
        lines.append(f"{head}{escape(before)}{{{inner}}}{escape(after)}")
    elif spec.kind in ("single", "multi"):
        lines.append(f"{head}{escape(spec.stem)}{{")
        lines += [f"\t{a}" for a in answers]
        if feedback:
            lines.append(f"\t{feedback}")
        lines.append("}")
    else:
        lines.append(f"{head}{escape(spec.stem)}{{{' '.join(answers)}{feedback}}}")
    return "\n".join(lines)


def question_block(spec: QuestionSpec) -> str:
    native_fill = spec.kind == "fill" and len(spec.key.get("blanks", [])) == 1
    meta = _meta(spec, native_fill)
    block = _block(spec, meta)
    back = read_gift(f"$CATEGORY: {escape(spec.topic)}\n\n{block}\n", "check")
    if not (back.questions and back.questions[0].canonical() == spec.canonical()):
        canonical = spec.canonical()
        exact = {
            k: canonical[k] for k in ("kind", "topic", "stem", "explanation", "options", "key")
        }
        meta = {
            **_meta(spec, False),
            **{"kind": spec.kind},
            "exact": exact,
            "tags": list(spec.tags),
        }
        block = _block(spec, meta)
    return block


def write_gift(questions: list[QuestionSpec], cases: list[CaseSpec] = ()) -> str:
    out = [
        "// 客服培训考试平台导出的题库（Moodle GIFT 格式）。",
        "// 以 @exam- 开头的注释行是本平台的补充信息，Moodle 会忽略。",
        "",
    ]
    for case in cases:
        fields = {"id": case.id, "title": case.title, "topic": case.topic, "source": case.source,
                  "scenario": case.scenario, "basis": case.basis}  # fmt: skip
        out += [f"// {CASE_META} {_json(fields)}", ""]
    topic = None
    for spec in sorted(questions, key=lambda q: q.topic):
        if spec.topic != topic:
            topic = spec.topic
            out += [f"$CATEGORY: {escape(topic)}", ""]
        out += [question_block(spec), ""]
    return "\n".join(out)
