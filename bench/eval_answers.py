"""Answer evaluation, tune and held-out sets printed separately, overall and per style.

Usage: .venv/bin/python bench/eval_answers.py [--data-dir DIR] [--sets tune,tune2,dev-heldout,heldout,heldout2,heldout3,heldout4,heldout5]
       [--unseen] [--failures]

Builds the bundled plan plus the synthetic plans of tests/data/plans into a temporary directory unless
--data-dir names an existing build. Sets: ``tune`` and ``dev-heldout`` (tests/data/dev_split.json over
tests/data/dev_questions.jsonl), ``tune2`` (tests/data/tune2_questions.jsonl), ``heldout`` and
``heldout2`` … ``heldout5`` (tests/data/heldout*_questions.jsonl, written blind). ``--unseen`` also
builds each plan folder tests/data/unseen*/plans alone (a township, a village and a county plan no test serves,
never fitted on) and evaluates the blind questions of its questions.jsonl. Only ``tune`` and ``tune2`` may be used to fit anything
(bench/fit_answering.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = ("n", "R@1", "R@5", "aR@1", "aR@5", "strict", "honest", "false_declines", "not_stated")


def open_eval_build(data_dir: str | None, tmp: str, plans: str = "tests/data/plans", bundled: bool = True):  # type: ignore[no-untyped-def]
    from webchat.build import build
    from webchat.resources import Build
    from webchat.settings import load_settings

    settings = load_settings({"DATA_DIR": data_dir or tmp, "PLANS_DIR": str(ROOT / ("data/plans" if bundled else plans))})
    if not data_dir:
        build(settings, paths=[str(ROOT / plans)] if bundled else ())
    return Build.open(settings)


def print_table(title: str, rows: dict[str, dict]) -> None:  # type: ignore[type-arg]
    print(f"\n### {title}\n")
    print("| | " + " | ".join(COLUMNS) + " |\n|" + "---|" * (len(COLUMNS) + 1))
    for name, m in rows.items():
        print(f"| {name} | " + " | ".join("–" if m[c] is None else str(m[c]) for c in COLUMNS) + " |")


def main() -> int:
    from retrieval.evaluate import evaluate, question_sets, style

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--sets", default="tune,tune2,dev-heldout,heldout")
    ap.add_argument("--unseen", action="store_true", help="also the unseen township plan and its questions")
    ap.add_argument("--failures", action="store_true")
    args = ap.parse_args()
    sets = question_sets(ROOT / "tests/data")
    with tempfile.TemporaryDirectory() as tmp:
        b = open_eval_build(args.data_dir, tmp)
        print(f"## Answer evaluation (embedder {b.manifest['model']}, plans {', '.join(b.plan_ids())})")
        reports = {name: evaluate(sets[name], b) for name in args.sets.split(",") if name in sets}
    if args.unseen:
        from retrieval.evaluate import load_questions

        for folder in sorted((ROOT / "tests/data").glob("unseen*/")):
            with tempfile.TemporaryDirectory() as tmp:
                u = open_eval_build(None, tmp, f"tests/data/{folder.name}/plans", bundled=False)
                reports[folder.name] = evaluate(load_questions(folder / "questions.jsonl"), u)
    print_table("overall", {name: rep.table()["all"] for name, rep in reports.items()})
    for name, rep in reports.items():
        print_table(f"{name} per style", rep.table(style))
        if args.failures:
            print("\n" + "\n".join(rep.failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
