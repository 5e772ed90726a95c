"""The linked-data side of a build: ``sources`` (the GRAPH a command is given), ``sparql`` (queries,
engines found by name), ``results`` (tables, CSV, JSON), ``export`` (other formats), ``endpoint``
(``kgraph serve`` and ``kgraph push``)."""
