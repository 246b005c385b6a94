"""Fit the answer scorer and the two thresholds on the *tune* split only; write
``retrieval/answering/data/weights.json`` naming the set and the date.

Usage: .venv/bin/python bench/fit_answering.py [--data-dir DIR] [--no-templates] [--thresholds-only]

Candidate labels: a candidate of an answerable tune question is positive when its text holds every
expected string; every candidate of an unanswerable question is negative. The answer threshold maximises
tune accuracy (correct answers + honest declines), then the lower threshold for an answer from a passage both
rankers put first; the topic model (covered vs not covered) is fitted on
query-level retrieval signals, answerable and not-stated questions counting as covered.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from bench.eval_answers import open_eval_build
    from bench.templates import template_questions
    from retrieval.answering import context_for
    from retrieval.answering.pipeline import gather
    from retrieval.answering.scoring import (
        FEATURES,
        TOPIC_FEATURES,
        WEIGHTS,
        candidate_features,
        query_features,
    )
    from retrieval.answering.verify import problems
    from retrieval.evaluate import question_sets

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--no-templates", action="store_true", help="fit on the tune questions alone")
    ap.add_argument("--thresholds-only", action="store_true",
                    help="keep the weights; choose the two thresholds by the whole pipeline's tune accuracy")
    args = ap.parse_args()
    sets = question_sets(ROOT / "tests/data")
    tune = sets["tune"] + sets.get("tune2", [])
    if args.thresholds_only:
        return refit_thresholds(args.data_dir, tune)
    rows, labels, per_q, topic_x, topic_y = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        b = open_eval_build(args.data_dir, tmp)
        ctx = context_for(b.kb, b.tokenizer)
        templates = [] if args.no_templates else template_questions(b.kb)
        for q in [*tune, *templates]:
            frame, hits, cands = gather(q.question, ctx, b.search, q.plan)
            qf = query_features(frame, hits)
            top3 = {h.passage.id for h in hits[:3]}
            top = hits[0].passage.id if hits and hits[0].bm25_rank == 1 and hits[0].dense_rank == 1 else None
            topic_x.append([qf[k] for k in TOPIC_FEATURES])
            topic_y.append(int(q.answerable or q.kind == "not_stated"))  # a not-stated template's topic is covered
            mine = []
            for c in cands:
                c.features = candidate_features(frame, c, qf, top3)
                label = int(q.answerable and all(e in c.text for e in q.expect))
                rows.append([c.features[k] for k in FEATURES])
                labels.append(label)
                mine.append((len(rows) - 1, label, not problems(frame, c),
                             top is not None and any(x.passage.id == top for x in c.citations)))
            per_q.append((q, mine))
    X, y = np.array(rows), np.array(labels)
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(X, y)
    p = model.predict_proba(X)[:, 1]
    def accuracy(t: float, t2: float) -> int:
        """Tune accuracy of the decision rule of ``pipeline.decide``: the best valid candidate at or above
        ``t``; else, when both rankers put one passage first, the best valid one from it at or above ``t2``."""
        acc = 0
        for q, mine in per_q[:len(tune)]:  # the thresholds are chosen on the tune questions themselves
            chosen = max(((p[i], lab) for i, lab, valid, _ in mine if valid and p[i] >= t), default=None)
            if chosen is None:
                chosen = max(((p[i], lab) for i, lab, valid, top in mine if valid and top and p[i] >= t2),
                             default=None)
            acc += (chosen is not None and chosen[1] == 1) if q.answerable else chosen is None
        return acc

    grid = [float(t) for t in np.linspace(0.05, 0.95, 91)]
    best_acc, best_t = max((accuracy(t, 1.0), t) for t in grid)
    best_acc, best_t2 = max((accuracy(best_t, t2), t2) for t2 in [*grid, 1.0] if t2 <= best_t or t2 == 1.0)
    topic = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(np.array(topic_x), topic_y)
    out = {
        "fitted_on": f"tune split of tests/data/dev_questions.jsonl (tests/data/dev_split.json) and "
                     f"tests/data/tune2_questions.jsonl ({len(tune)} questions)"
                     f" + {len(templates)} template questions from the build's facts (bench/templates.py)",
        "date": datetime.date.today().isoformat(), "candidates": len(rows), "positives": int(y.sum()),
        "tune_accuracy_at_threshold": round(best_acc / len(tune), 3),
        "coef": {k: round(float(w), 4) for k, w in zip(FEATURES, model.coef_[0], strict=True)},
        "intercept": round(float(model.intercept_[0]), 4), "answer_threshold": round(best_t, 3),
        "agree_threshold": round(best_t2, 3),
        "topic": {"coef": {k: round(float(w), 4) for k, w in zip(TOPIC_FEATURES, topic.coef_[0], strict=True)},
                  "intercept": round(float(topic.intercept_[0]), 4), "threshold": 0.5},
    }
    WEIGHTS.parent.mkdir(exist_ok=True)
    WEIGHTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def refit_thresholds(data_dir: str | None, tune: list) -> int:  # type: ignore[type-arg]
    """The answer and agreement thresholds that maximise tune accuracy (correct answers + honest outcomes)
    of the whole answering pipeline (every check, routing and composition as served), the weights kept.
    On a tie the thresholds in use stay (no change without a gain on tune), else the higher ones (the more
    cautious)."""
    import numpy as np

    from bench.eval_answers import open_eval_build
    from retrieval.answering.scoring import WEIGHTS, weights
    from retrieval.evaluate import evaluate

    w = weights()
    before = (w["answer_threshold"], w.get("agree_threshold", 1.0))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        b = open_eval_build(data_dir, tmp)
        for t in [round(float(x), 3) for x in np.arange(0.16, 0.53, 0.03)]:
            for t2 in sorted({round(float(x), 3) for x in np.arange(0.12, t + 0.001, 0.06)} | {t}):
                w["answer_threshold"], w["agree_threshold"] = t, t2  # read by every decision of this process
                rep = evaluate(tune, b)
                results.append((sum(o.correct for o in rep.outcomes), t, t2))
                print(f"answer_threshold {t:.2f} agree_threshold {t2:.2f}: {results[-1][0]}/{len(rep.outcomes)}",
                       flush=True)
    acc, t, t2 = max(results)
    if any(r == (acc, *before) for r in results):
        t, t2 = before
    out = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    out.update(answer_threshold=t, agree_threshold=t2, thresholds_fitted_on=(
        f"tune split + tests/data/tune2_questions.jsonl ({len(tune)} questions), the whole pipeline's accuracy "
        f"{acc}/{len(tune)}; before: {before[0]}/{before[1]}"), thresholds_date=datetime.date.today().isoformat())
    WEIGHTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"chosen answer_threshold {t} agree_threshold {t2}: tune {acc}/{len(tune)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
