"""notebooks/explore.ipynb runs clean top to bottom, and is committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 600  # seconds; the build cell extracts the examples


def test_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert notebook.metadata.kernelspec.name == "python3"


def test_notebook_runs_clean():
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "<table>" in html and "HaloNorm" in html  # the SPARQL tables
    assert "<iframe srcdoc=" in html  # the explorer, inline
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # wins per method, benchmark coverage
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "claims (outperforms):" in printed


SOTA = NOTEBOOK.parent / "sota.ipynb"
CORPUS = NOTEBOOK.parents[1].parent / "shared" / "corpus"


def test_sota_notebook_is_committed_without_outputs_and_takes_parameters():
    notebook = nbformat.read(SOTA, as_version=4)
    nbformat.validate(notebook)
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code")
    (parameters,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert "INPUTS = None" in parameters.source and "BENCHMARK = None" in parameters.source


@pytest.mark.parametrize("inputs", ["examples", "corpus"])
def test_sota_notebook_plots_a_frontier_over_time(inputs):
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(SOTA, as_version=4)
    if inputs == "corpus":
        if not CORPUS.is_dir():
            pytest.skip(f"the shared corpus is not at {CORPUS}")
        (parameters,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
        parameters.source = f"INPUTS = {sorted(str(p) for p in CORPUS.glob('*.txt'))!r}\nBENCHMARK = 'ImageNet'"
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(SOTA.parent)}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 1  # the frontier over time
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "ImageNet:" in printed and "dated claims on" in printed
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "State of the art on ImageNet as of" in html and "<td>" in html  # the sota rows
