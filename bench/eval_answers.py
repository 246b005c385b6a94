"""Answer evaluation on tests/data/dev_questions.jsonl: prints R@1/R@5/MRR per ranker and answer accuracy.

Usage: .venv/bin/python bench/eval_answers.py [--data-dir DIR] [--failures]
Builds the bundled plan into a temporary directory unless --data-dir names an existing build.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from retrieval.evaluate import evaluate, load_questions, rankers_for
    from webchat.build import build
    from webchat.resources import Build
    from webchat.settings import load_settings

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--failures", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"DATA_DIR": args.data_dir or tmp, "PLANS_DIR": str(ROOT / "data/plans")})
        if not args.data_dir:
            build(settings)
        b = Build.open(settings)
        questions = load_questions(ROOT / "tests/data/dev_questions.jsonl")
        rep = evaluate(questions, b, rankers_for(b))
    print(f"## Answer evaluation ({len(questions)} questions, embedder {b.manifest['model']})\n")
    print("| ranker | R@1 | R@5 | MRR |\n|---|---|---|---|")
    for name, m in rep.retrieval.items():
        print(f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR']:.3f} |")
    print(f"\n| answer accuracy | decline accuracy | numbers verbatim in citations |\n|---|---|---|\n"
          f"| {rep.answer_accuracy:.3f} | {rep.declined}/{rep.unanswerable} | {'yes' if rep.numbers_ok else 'NO'} |")
    if args.failures:
        print("\n" + "\n".join(rep.failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
