"""Grade 200,000 mixed objective items on one core and print items/second.

Run: .venv/bin/python bench/grader_bench.py [--items N] [--seed S]
A paper bank of 400 items is graded for random candidates: mostly right, some partial, some
wrong or blank, and one fill-in response in ten is a fresh string the caches have never seen.
"""

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exam_app.grading import score_item  # noqa: E402

OPTIONS = "ABCDE"
PHRASES = [
    "24小时",
    "七日",
    "一周",
    "电话",
    "邮件",
    "客户服务中心",
    "VIP客户",
    "首问负责制",
    "12315",
]


def make_bank(rng: random.Random, size: int) -> list[tuple[str, dict, Decimal, str | None]]:
    bank = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.35:
            bank.append(("single", {"answer": rng.choice(OPTIONS)}, Decimal(2), None))
        elif roll < 0.55:
            bank.append(("tf", {"answer": rng.random() < 0.5}, Decimal(1), None))
        elif roll < 0.80:
            answers = sorted(rng.sample(OPTIONS, rng.randint(2, 4)))
            rule = rng.choice(["exact", "half", "per_option", "weighted"])
            key: dict = {"answers": answers}
            if rule == "weighted" and rng.random() < 0.5:
                share = f"{1 / len(answers):.7f}"
                key["weights"] = {option: share for option in answers} | {
                    option: "-0.5" for option in OPTIONS if option not in answers
                }
            bank.append(("multi", key, Decimal(3), rule))
        else:
            count = rng.randint(1, 4)
            blanks = [
                [[phrase, "1"]] + ([[rng.choice(PHRASES), "0.5"]] if rng.random() < 0.3 else [])
                for phrase in rng.sample(PHRASES, count)
            ]
            rule = rng.choice(["per_blank", "all_or_nothing"])
            key = {"blanks": blanks, "any_order": rng.random() < 0.3}
            bank.append(("fill", key, Decimal(4), rule))
    return bank


def make_response(rng: random.Random, kind: str, key: dict) -> object:
    good = rng.random() < 0.6
    if rng.random() < 0.05:
        return None
    if kind == "single":
        return key["answer"] if good else rng.choice(OPTIONS)
    if kind == "tf":
        return ("正确" if key["answer"] else "错误") if good else rng.choice(["T", "F", True])
    if kind == "multi":
        return list(key["answers"]) if good else rng.sample(OPTIONS, rng.randint(1, 3))
    texts = []
    for blank in key["blanks"]:
        if rng.random() < 0.1:
            texts.append(f"答案{rng.randrange(10**9)}")  # never cached
        elif good:
            texts.append(f" {blank[0][0]}。")
        else:
            texts.append(rng.choice(PHRASES))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    bank = make_bank(rng, 400)
    work = []
    for _ in range(args.items):
        kind, key, points, rule = rng.choice(bank)
        work.append((kind, key, make_response(rng, kind, key), points, rule))

    start = time.perf_counter()
    total = Decimal(0)
    for kind, key, response, points, rule in work:
        total += score_item(kind, key, response, points, rule).score
    elapsed = time.perf_counter() - start

    kinds = {
        kind: sum(1 for item in work if item[0] == kind)
        for kind in ("single", "tf", "multi", "fill")
    }
    print(f"graded {len(work):,} items {kinds} in {elapsed:.3f} s (total score {total})")
    print(f"{len(work) / elapsed:,.0f} items/s")


if __name__ == "__main__":
    main()
