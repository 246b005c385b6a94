"""The ``plankg`` command: ingest, validate, stats, export, ask, sparql, report, serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from ingest.errors import PlankgError
from webchat.settings import load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = load_settings(_overrides(args))
    try:
        return int(args.func(args, settings) or 0)
    except PlankgError as exc:
        print(f"plankg: error: {exc}", file=sys.stderr)
        return 1


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("data_dir", "store", "embedder", "host", "port"):
        value = getattr(args, name, None)
        if value is not None:
            out[name.upper()] = value
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="plankg", description=__doc__)
    p.add_argument("--data-dir", help="build directory (PLANKG_DATA_DIR)")
    p.add_argument("--store", help="graph store setting (PLANKG_STORE)")
    p.add_argument("--embedder", help="embedder spec (PLANKG_EMBEDDER)")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    ing = sub.add_parser("ingest", help="build the graph and indexes from plan texts")
    ing.add_argument("paths", nargs="*", help="plan files or folders, added to the plans in PLANS_DIR")
    ing.add_argument("--only", action="store_true", help="build only the plans given as PATHs")
    ing.add_argument("--if-stale", action="store_true", help="do nothing when the build is up to date")
    ing.add_argument("--quiet", action="store_true")
    ing.set_defaults(func=cmd_ingest)

    val = sub.add_parser("validate", help="SHACL-validate the current build, plan by plan")
    val.add_argument("--full", action="store_true", help="validate the union of all plans with every shape")
    val.set_defaults(func=cmd_validate)
    st = sub.add_parser("stats", help="counts per class of the current build; --plan: one plan's coverage")
    st.add_argument("--plan", help="one plan id: its sections, entities per class and indicators")
    st.set_defaults(func=cmd_stats)

    exp = sub.add_parser("export", help="print the graph")
    exp.add_argument("--format", choices=["ttl", "nt", "trig"], default="trig")
    exp.add_argument("--plan", help="one plan id")
    exp.set_defaults(func=cmd_export)

    ask = sub.add_parser("ask", help="answer a question from the plan")
    ask.add_argument("question")
    ask.add_argument("--plan")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)

    sq = sub.add_parser("sparql", help="run a read-only SPARQL query against the configured store")
    sq.add_argument("query")
    sq.add_argument("--format", choices=["json", "xml", "csv", "tsv", "ttl", "nt", "jsonld"])
    sq.set_defaults(func=cmd_sparql)

    sub.add_parser("report", help="declined and unhelpful questions by plan and section").set_defaults(
        func=cmd_report)

    srv = sub.add_parser("serve", help="serve the web app with gunicorn")
    srv.add_argument("--host")
    srv.add_argument("--port", type=int)
    srv.add_argument("--dev", action="store_true", help="Flask's development server instead of gunicorn")
    srv.set_defaults(func=cmd_serve)
    return p


def cmd_ingest(args: argparse.Namespace, settings: Any) -> int:
    from tqdm import tqdm

    from webchat.build import build, is_stale

    if args.if_stale and not args.paths and not is_stale(settings):
        if not args.quiet:
            print("plankg: build is up to date")
        return 0
    steps = ["read", "graph", "validate", "index", "store"]
    with tqdm(total=len(steps), desc="ingest", disable=args.quiet, file=sys.stderr) as bar:
        def progress(msg: str) -> None:
            bar.set_postfix_str(msg)
            if not msg.startswith("read") or bar.n == 0:
                bar.update(1)

        result = build(settings, args.paths, progress=progress, only=args.only)
    if not args.quiet:
        _table(result.counts)
        _plan_summaries(result.path)
        print(f"build {result.build_id} in {result.seconds:.2f} s → {result.path}")
    return 0


def _records_by_plan(path: Any) -> dict[str, tuple[Any, list[Any], list[Any], list[Any]]]:
    """The build's records grouped by plan id: (meta, sections, passages, facts)."""
    from ingest.serialize import load_records

    metas, sections, passages, facts = load_records(path)
    out: dict[str, tuple[Any, list[Any], list[Any], list[Any]]] = {m.id: (m, [s for s in sections if s.plan == m.id], [p for p in passages if p.plan == m.id], [])
           for m in metas}
    plan_of = {p.id: p.plan for p in passages}
    for f in facts:
        plan = plan_of.get(f.passage)
        if plan in out:
            out[plan][3].append(f)
    return out


def _plan_summaries(path: Any) -> None:
    from ingest.coverage import summary_line

    for meta, sections, passages, facts in _records_by_plan(path).values():
        print(summary_line(meta, sections, passages, facts))


def _table(counts: dict[str, int]) -> None:
    width = max(len(k) for k in counts)
    print(f"{'class'.ljust(width)}  count")
    print(f"{'-' * width}  -----")
    for k, v in counts.items():
        print(f"{k.ljust(width)}  {v:5d}")


def _open_build(settings: Any) -> Any:
    from webchat.resources import Build

    return Build.open(settings)


def cmd_validate(args: argparse.Namespace, settings: Any) -> int:
    from kg.validate import validate, validate_build

    build = _open_build(settings)
    if getattr(args, "full", False):
        result = validate(build.dataset)
    else:
        result = validate_build(build.path, build.passages, build.facts)
    print("conforms" if result.conforms else result.report)
    return 0 if result.conforms else 1


def cmd_stats(args: argparse.Namespace, settings: Any) -> int:
    if args.plan:
        return _plan_stats(args.plan, settings)
    build = _open_build(settings)
    print(f"build {build.manifest['build']}  model {build.manifest['model']}")
    print("plans: " + ", ".join(p["id"] for p in build.manifest["plans"]))
    _table(build.manifest["counts"])
    return 0


def _plan_stats(plan: str, settings: Any) -> int:
    """One plan's coverage report from the current build's records (no index or model loaded)."""
    from ingest.coverage import report
    from ingest.errors import NotFound, Unavailable
    from webchat.build import current_build

    path = current_build(settings["DATA_DIR"])
    if path is None:
        raise Unavailable("no plan data has been built yet: run `plankg ingest` first")
    plans = _records_by_plan(path)
    if plan not in plans:
        raise NotFound(f"未知的规划：{plan}（已构建：{'、'.join(plans)}）")
    sys.stdout.write(report(*plans[plan]))
    return 0


def cmd_export(args: argparse.Namespace, settings: Any) -> int:
    from kg.export import export

    build = _open_build(settings)
    sys.stdout.write(export(build.dataset, args.format, args.plan, settings["IRI_BASE"]))
    return 0


def cmd_ask(args: argparse.Namespace, settings: Any) -> int:
    build = _open_build(settings)
    answer = build.ask(args.question, plan=args.plan)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return 0
    print(answer["answer"])
    for i, c in enumerate(answer["citations"], 1):
        print(f"[{i}] {c['section'] or c['heading']} {c['heading']}: {c['quote']}")
    return 0


def cmd_sparql(args: argparse.Namespace, settings: Any) -> int:
    """Same checks, timeout and row cap as the /sparql endpoint, in a killable worker process."""
    from kg.sparql import QueryRunner, check_query

    build = _open_build(settings)
    checked = check_query(args.query, int(settings["SPARQL_MAX_QUERY_BYTES"]),
                          build.manifest.get("iri_base", settings["IRI_BASE"]))
    fmt = args.format or {"SELECT": "csv", "ASK": "json"}.get(checked.form, "ttl")
    with QueryRunner(build.path, settings["STORE"], size=1, timeout=float(settings["SPARQL_TIMEOUT"])) as runner:
        out = runner.run(checked, fmt, int(settings["SPARQL_MAX_ROWS"]))
    sys.stdout.write(out.body.decode("utf-8"))
    if out.truncated:
        print(f"plankg: result cut at {out.rows} rows (PLANKG_SPARQL_MAX_ROWS)", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace, settings: Any) -> int:
    from webchat.feedback import report, report_markdown

    sys.stdout.write(report_markdown(report(settings)))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Any) -> int:
    if args.dev:
        from webchat import create_app

        create_app().run(host=settings["HOST"], port=int(settings["PORT"]))
        return 0
    from webchat.serve import run_gunicorn

    return run_gunicorn(settings)


if __name__ == "__main__":
    raise SystemExit(main())
