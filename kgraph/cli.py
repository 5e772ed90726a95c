"""Command line: ``kgraph build`` and ``kgraph extract``. It only wires the stages together."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from tqdm import tqdm

from kgraph.io import atomic_writer
from kgraph.build import BuildReport, build, saved_digests, unchanged_build
from kgraph.build import request as build_request
from kgraph.build.engine import ExtractionStream, default_jobs, start_fork_server
from kgraph.curate.commands import add_curation_commands, curation_file, curation_line, read_ledger
from kgraph.curate.ledger import Ledger
from kgraph.errors import InputError, OutputError
from kgraph.extract.rules import rules
from kgraph.folder import PAGE_FILE, BuildFolder, papers_path
from kgraph.ingest import FORMATS, read_papers
from kgraph.ingest.files import MAX_INPUT_BYTES, format_size, parse_size
from kgraph.ingest.merge import merge_papers
from kgraph.model import Extraction
from kgraph.query.export import EXPORT_FORMATS
from kgraph.query.results import RESULT_FORMATS
from kgraph.query.sparql import ENGINES, QUERY_TIMEOUT_S
from kgraph.predictions import gold_record
from kgraph.saved import saved_papers
from kgraph.schema import PAPER_TYPE
from kgraph.usage import START_HERE, epilog
from kgraph.viz.page import DEFAULT_MIN_CONFIDENCE, write_html

# Below this many papers the progress bar would only flicker.
PROGRESS_MIN_PAPERS = 50
VALIDATE_SHOWN = 50  # violations listed by kgraph validate
WARM_START_BYTES = 1 << 20  # inputs of about 800 abstracts and more may need workers: start their server early


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """The garbage collector paused while inputs are read: reading makes a few objects per paper
    and no reference cycles, so each pass finds nothing to free, yet walks every paper read so far
    (at 100,000 papers, about 3 of the 6 seconds of reading). ``build`` then freezes them."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _progress(stage: str, total: int):
    """A progress bar per stage of a long build (hidden for small inputs)."""
    bar = tqdm(total=total, desc=stage, unit="paper", file=sys.stderr, disable=total < PROGRESS_MIN_PAPERS or None)
    return bar.update


def _check_folder(output: Path) -> None:
    """An output folder that is a file (or lies under one) is refused before any input is read."""
    for path in (output, *output.parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                where = "is a file, not a folder" if path == output else f"lies under {path}, a file, not a folder"
                raise OutputError(str(output), f"{where}; give -o a folder")
            return


def cmd_build(args: argparse.Namespace) -> int:
    output = Path(args.update or args.output)
    _check_folder(output)
    ledger = read_ledger(args.curation, output)  # before any input: a bad curation file stops the build at once
    asked = None if args.update or args.no_cache else build_request(
        args.inputs, [args.format, args.max_input_size], [curation_file(args.curation, output),
                                                          Path(args.iris) if args.iris else None])
    report = unchanged_build(output, asked) if asked else None  # nothing new: what the last build found
    if report is None:
        report = _build(args, output, ledger, asked)
    _print_build(report, output)
    return 0


def _build(args: argparse.Namespace, output: Path, ledger: Ledger, asked: str | None) -> BuildReport:
    inputs = [*args.inputs, *([papers_path(args.update)] if args.update else [])]
    if args.jobs > 1 and not args.dask and sum(os.path.getsize(p) for p in inputs if os.path.isfile(p)) >= WARM_START_BYTES:
        start_fork_server()  # while the inputs are read: workers, if needed, then start at once
    kept = None if args.no_cache else BuildFolder(output).parsed_inputs  # inputs read again are not parsed again
    with _reading():
        if args.update:
            saved = saved_papers(output, saved_digests(output))
            papers = merge_papers([*saved, *read_papers(args.inputs, args.format, kept, args.max_input_size)])
        else:
            papers = read_papers(args.inputs, args.format, kept, args.max_input_size)
    return build(papers, output, jobs=args.jobs, dask_address=args.dask, use_cache=not args.no_cache,
                 progress=_progress, iris=Path(args.iris) if args.iris else None, curation=ledger, request=asked)


def _print_build(report: BuildReport, output: Path) -> None:
    counts = dict(report.counts)
    papers_total = counts.pop(PAPER_TYPE)
    print(f"papers: {papers_total}")
    claims = counts.pop("claims")
    print("entities: " + ", ".join(f"{count} {kind.lower()}s" for kind, count in counts.items()))
    print(f"claims (outperforms): {claims}")
    print(f"papers with at least one claim: {report.papers_with_claims} of {papers_total}"
          + (f" ({report.papers_with_claims / papers_total:.0%})" if papers_total else ""))
    print(f"incremental: {report.extracted} papers extracted, {papers_total - report.extracted} from the cache; "
          f"{report.rewritten} papers (re)written to the RDF store")
    if line := curation_line(report.curation, output):
        print(line)
    for note in report.notes:
        print(f"note: {note}")
    print("wrote " + ", ".join(str(path) for path in BuildFolder(output).outputs()))
    print(f"open {BuildFolder(output).page} in a browser")


def cmd_extract(args: argparse.Namespace) -> int:
    if args.list_rules:
        for full_id, rule in rules().items():
            print(f"{full_id:<36} {rule.confidence:4.2f}  {rule.description}")
        return 0
    if not (args.inputs and args.output):
        raise InputError("kgraph extract", "give INPUT... and -o PREDICTIONS.jsonl (or --list-rules)")
    disabled = tuple(dict.fromkeys(args.disable_rule))
    if unknown := [r for r in disabled if r not in rules()]:
        raise InputError(f"--disable-rule {unknown[0]}", "no such rule (kgraph extract --list-rules lists them)")
    with _reading():
        papers = read_papers(args.inputs, args.format, max_bytes=args.max_input_size)
    advance = _progress("extracting", len(papers))
    with atomic_writer(args.output) as handle, contextlib.closing(
            ExtractionStream(papers, args.jobs, on_batch=lambda done, _: advance(done), disabled=disabled)) as stream:
        for paper, (facts, _) in stream:
            record = gold_record(paper, Extraction.from_dict(json.loads(facts)))
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(papers)} papers to {args.output}")
    return 0


# --- linked data: export, query, serve, push (issue 4) -----------------------------------------
# Their modules are imported when used where they load what build does not need (rich, httpx);
# the format and engine tables the parser offers are imported with it.


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {pair}", "expected KEY=VALUE")
        params[key.strip()] = value
    return params


def cmd_viz(args: argparse.Namespace) -> int:
    from kgraph.saved import load_graph

    write_html(load_graph(args.graph), args.output, args.title, args.min_confidence)
    print(f"wrote {args.output}; open it in a browser")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit status 0 when the graph conforms to the shapes, 1 when it does not (each violation listed)."""
    from kgraph.query.validate import validate_graph

    started = time.perf_counter()
    triples, violations = validate_graph(args.graph, args.shapes, VALIDATE_SHOWN + 1)
    seconds = time.perf_counter() - started
    if not violations:
        print(f"conforms: {triples} triples checked in {seconds:.1f} s")
        return 0
    print(f"does not conform: {len(violations)} violations"
          + (f" (at most {VALIDATE_SHOWN + 1} of each constraint)" if len(violations) > VALIDATE_SHOWN else ""))
    for violation in violations[:VALIDATE_SHOWN]:
        print(f"  {violation}")
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    from kgraph.query.export import export

    export(args.graph, args.format, args.output)
    if args.output != "-":
        print(f"wrote {args.output} ({args.format})")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kgraph.query.results import format_result, terminal_width
    from kgraph.query.limit import time_limit
    from kgraph.query.sparql import bound_query, canned_queries, canned_query, check_params, query_graph, read_query

    if args.list:
        queries = canned_queries()
        width = max(map(len, queries))
        for name, canned in queries.items():
            params = "".join(f" [--param {p}=...]" if p in canned.optional else f" --param {p}=..."
                             for p in canned.params)
            print(f"{name:<{width}}  {canned.description}{params}")
        return 0
    if args.print_query and args.canned is None and args.query is None:
        args.graph, args.query = None, args.graph  # one positional is the query: GRAPH is not needed to print it
    if (args.graph is None and not args.print_query) or (args.query is None) == (args.canned is None):
        raise InputError("kgraph query", "give GRAPH and either a query (SPARQL text or a .rq file) or --canned NAME")
    params = _params(args.param)
    if args.canned is not None:
        canned = canned_query(args.canned)
        check_params(canned, params)
        text, source = canned.text, canned.path
    else:
        text, source = read_query(args.query)
    if args.print_query:
        sys.stdout.write(bound_query(text, params))
        return 0
    with time_limit(args.timeout, source):
        result = query_graph(args.graph, text, source, params, args.engine)
    sys.stdout.write(format_result(result, args.format, terminal_width()))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kgraph.query.endpoint import serve

    return serve(args.graph, args.port, args.bind, args.timeout)


def cmd_push(args: argparse.Namespace) -> int:
    from kgraph.query.push import push

    print(push(args.graph, args.endpoint, args.graph_iri, args.append))
    return 0


def _command(commands: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with what it writes and examples of it (kgraph.usage)."""
    return commands.add_parser(name, help=summary, description=summary, epilog=epilog(name),
                               formatter_class=argparse.RawDescriptionHelpFormatter)


GRAPH_HELP = "a build folder (graph.ttl, papers.jsonl), an RDF file (.ttl, .nt) or a papers.jsonl"


def _add_linked_data_commands(commands: argparse._SubParsersAction) -> None:
    export = _command(commands, "export", "write the graph as Turtle, N-Triples, JSON-LD or GraphML")
    export.add_argument("graph", metavar="GRAPH", help=GRAPH_HELP + " (GraphML needs papers.jsonl)")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="turtle",
                        help="output format (default: turtle)")
    export.add_argument("-o", "--output", required=True, help="output file, or - for standard output")
    export.set_defaults(run=cmd_export)

    check = _command(commands, "validate", "check the graph against the SHACL shapes (on Oxigraph)")
    check.add_argument("graph", metavar="GRAPH", help=GRAPH_HELP)
    check.add_argument("--shapes", metavar="FILE", help="SHACL shapes in Turtle (default: ontology/shapes.ttl)")
    check.set_defaults(run=cmd_validate)

    query = _command(commands, "query", "run a SPARQL query (text, .rq file or --canned NAME) on the graph")
    query.add_argument("graph", metavar="GRAPH", nargs="?", help=GRAPH_HELP)
    query.add_argument("query", metavar="QUERY", nargs="?", help="SPARQL query text, or a .rq file")
    query.add_argument("--canned", metavar="NAME", help="a query of ontology/queries (see --list)")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="bind a query parameter (a literal), e.g. --param method=vLLM")
    query.add_argument("--format", choices=RESULT_FORMATS, default="table",
                       help="table (default), SPARQL CSV or SPARQL JSON results")
    query.add_argument("--engine", choices=tuple(ENGINES), default="oxigraph",
                       help="SPARQL engine (default: oxigraph; rdflib is far slower, for comparison)")
    query.add_argument("--timeout", type=_seconds, default=QUERY_TIMEOUT_S, metavar="SECONDS",
                       help=f"stop a query running longer than this (default: {QUERY_TIMEOUT_S:g}; 0: no limit)")
    query.add_argument("--list", action="store_true", help="list the canned queries and what they answer")
    query.add_argument("--print-query", action="store_true",
                       help="print the query with its --param values bound (a VALUES block) instead of running it")
    query.set_defaults(run=cmd_query)

    serve = _command(commands, "serve", "serve the graph read-only over the SPARQL 1.1 Protocol (Oxigraph)")
    serve.add_argument("graph", metavar="GRAPH", help=GRAPH_HELP)
    serve.add_argument("--port", type=int, default=7878, help="TCP port (default: 7878)")
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--timeout", type=_seconds, default=QUERY_TIMEOUT_S, metavar="SECONDS",
                       help=f"stop a query running longer than this (default: {QUERY_TIMEOUT_S:g}; 0: no limit)")
    serve.set_defaults(run=cmd_serve)

    push = _command(commands, "push", "load the graph into a SPARQL 1.1 Graph Store endpoint")
    push.add_argument("graph", metavar="GRAPH", help=GRAPH_HELP)
    push.add_argument("--endpoint", required=True, metavar="URL",
                      help="Graph Store URL, e.g. http://localhost:3030/ds/data (Fuseki), http://localhost:7878/store (Oxigraph)")
    push.add_argument("--graph", dest="graph_iri", metavar="IRI", help="named graph to write (default: the default graph)")
    push.add_argument("--append", action="store_true", help="add to the graph (POST) instead of replacing it (PUT)")
    push.set_defaults(run=cmd_push)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value < 1e6:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value


def _confidence(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def parser() -> argparse.ArgumentParser:
    first, rest = START_HERE.split("\n", 1)
    root = argparse.ArgumentParser(prog="kgraph", description=first, epilog=rest.strip("\n"),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True)

    def inputs(sub: argparse.ArgumentParser, required: bool = True) -> None:
        sub.add_argument("inputs", nargs="+" if required else "*",
                         help="Daily Papers .txt listings, .jsonl, .csv or arXiv Atom .xml files")
        sub.add_argument("--format", choices=FORMATS, help="input format (default: by extension, else sniffed)")
        sub.add_argument("--max-input-size", type=_size, default=MAX_INPUT_BYTES, metavar="SIZE",
                         help=f"refuse inputs larger than this, e.g. 500M, 4G (default: {format_size(MAX_INPUT_BYTES)})")

    build_cmd = _command(commands, "build", "build graph.ttl, graph.html and papers.jsonl")
    inputs(build_cmd)
    build_cmd.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs)")
    build_cmd.add_argument("--update", metavar="STORE",
                           help="add the inputs to the build in folder STORE (its papers.jsonl and RDF store)")
    build_cmd.add_argument("-j", "--jobs", type=_positive, default=default_jobs(),
                           help=f"processes to extract with (default: all cores, here {default_jobs()})")
    build_cmd.add_argument("--dask", metavar="ADDRESS", help="extract on this Dask scheduler (tcp://host:8786)")
    build_cmd.add_argument("--no-cache", action="store_true", help="extract every paper again, ignoring the cache")
    build_cmd.add_argument("--iris", metavar="FILE",
                           help="start from this IRI registry (another build's .kgraph/iris.json), so that "
                                "the same names get the same entity IRIs")
    build_cmd.add_argument("--curation", metavar="FILE",
                           help="apply this curation file (default: the output folder's curation.jsonl, if any)")
    build_cmd.set_defaults(run=cmd_build)

    extract = _command(commands, "extract", "write one gold-format JSON line per paper, for scoring")
    inputs(extract, required=False)
    extract.add_argument("-o", "--output", help="predictions .jsonl file")
    extract.add_argument("--disable-rule", action="append", default=[], metavar="FIELD.ID",
                         help="switch an extraction rule off (repeatable), to score the rest without it")
    extract.add_argument("--list-rules", action="store_true",
                         help="list the extraction rules (id, confidence, what each reads) and exit")
    extract.add_argument("-j", "--jobs", type=_positive, default=default_jobs(), help="processes to extract with")
    extract.set_defaults(run=cmd_extract)

    viz = _command(commands, "viz", "write the who-beats-whom explorer page (one self-contained HTML file)")
    viz.add_argument("graph", help="a build folder or its papers.jsonl")
    viz.add_argument("-o", "--output", default=PAGE_FILE, help=f"page to write (default: {PAGE_FILE})")
    viz.add_argument("--title", default="kgraph: who beats whom", help="title of the page")
    viz.add_argument("--min-confidence", type=_confidence, default=DEFAULT_MIN_CONFIDENCE,
                     help=f"claims shown at first: this confidence or more (default {DEFAULT_MIN_CONFIDENCE}, "
                          "the best-F1 threshold measured on the gold set; the page's slider changes it)")
    viz.set_defaults(run=cmd_viz)
    _add_linked_data_commands(commands)
    add_curation_commands(commands, _command)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        print(START_HERE, end="")
        return 0
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"kgraph: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. an output folder without write permission
        print(f"kgraph: error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kgraph: interrupted; no output was half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
