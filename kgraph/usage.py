"""What a reader of ``kgraph --help`` needs: where to start, and for each command an example and
what it writes. One table, so a new command adds one entry (a unit test checks each has one)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

START_HERE = """\
kgraph turns machine-learning paper abstracts into a knowledge graph of who beats whom.

Start here:
  kgraph build examples/listing.txt -o outputs
      reads the listing; writes outputs/graph.html, outputs/graph.ttl and outputs/papers.jsonl
  then open outputs/graph.html in a browser
      one offline page: the graph, a claims table, the leaderboard, CSV and PNG downloads

Every command: kgraph --help. Each command's --help gives an example and says what it writes.
"""


@dataclass(frozen=True)
class Usage:
    """What one command writes, and examples of it (shown under its --help)."""

    writes: str
    examples: tuple[str, ...]


USAGE: dict[str, Usage] = {
    "build": Usage(
        "OUTPUT/graph.html (the explorer page: open it in a browser), OUTPUT/graph.ttl (RDF Turtle), "
        "OUTPUT/papers.jsonl (each paper and what was extracted from it, with evidence) and OUTPUT/.kgraph/ "
        "(what makes the next build incremental); prints a summary ending with the page to open",
        ("kgraph build examples/listing.txt -o outputs",
         "kgraph build ../shared/corpus/*.txt -o /tmp/corpus -j 2",
         "kgraph build --update outputs todays-listing.txt")),
    "extract": Usage(
        "PREDICTIONS.jsonl: one JSON line per paper in the gold annotations' format, each fact with its rule "
        "and confidence (no graph, no page)",
        ("kgraph extract examples/listing.txt -o /tmp/pred.jsonl",
         "kgraph extract --list-rules")),
    "viz": Usage(
        "PAGE.html (default graph.html): the explorer page of a saved build, rendered again without extracting",
        ("kgraph viz outputs -o page.html --title 'My reading list'",)),
    "export": Usage(
        "FILE in the chosen format (or standard output with -o -); GraphML node ids are the RDF IRIs",
        ("kgraph export outputs --format graphml -o graph.graphml",
         "kgraph export outputs --format jsonld -o graph.jsonld")),
    "validate": Usage(
        "nothing: prints 'conforms' (exit 0) or each violation of the SHACL shapes (exit 1)",
        ("kgraph validate outputs",)),
    "query": Usage(
        "nothing: prints the result on standard output as a table, SPARQL CSV or JSON; --print-query prints "
        "the query itself, its parameters bound, to paste elsewhere",
        ("kgraph query --list",
         "kgraph query outputs --canned who-beats --param method=StarCoder",
         "kgraph query outputs --canned who-beats --param method=StarCoder --print-query",
         "kgraph query outputs 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv")),
    "serve": Usage(
        "nothing: serves the graph read-only over the SPARQL 1.1 Protocol until stopped (Ctrl-C); "
        "an update is answered 403 read-only",
        ("kgraph serve outputs --port 7878",)),
    "push": Usage(
        "into the endpoint's graph (replaced, or added to with --append); prints the triples sent and "
        "the count the store reports after",
        ("kgraph push outputs --endpoint http://localhost:3030/ds/data",)),
    "review": Usage(
        "BUILD/curation.jsonl (or --curation FILE): one line per decision (accept, reject, correct), appended "
        "as you review on the page served at 127.0.0.1; the next build applies them",
        ("kgraph review outputs --curator 'Ada Lovelace'",
         "kgraph review outputs --curation team-decisions.jsonl --port 0")),
    "curation": Usage(
        "orphans: nothing, lists the decisions whose fact the last build no longer found (exit 1 if any); "
        "export: FILE, the reviewed papers as gold annotations (GUIDELINES.md format)",
        ("kgraph curation orphans outputs",
         "kgraph curation export outputs --gold reviewed.jsonl")),
}


def epilog(command: str) -> str:
    """The text under ``kgraph COMMAND --help``: what it writes, then its examples."""
    usage = USAGE[command]
    return (textwrap.fill("writes: " + usage.writes, width=100, subsequent_indent="  ") + "\n\nexamples:\n"
            + "".join(f"  {example}\n" for example in usage.examples))
