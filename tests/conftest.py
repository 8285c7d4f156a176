"""Shared test helpers.

The pytest process itself lives in the TF1 world (tests import ``tf1_lstm.compat``). Anything
that must start from a clean interpreter (import order, log noise, the CLI) runs in a
subprocess through ``run_python``.

Two tiers: ``make test`` runs everything; ``make test-fast`` (``pytest -m "not slow"``, under
90 s on 2 cores) leaves out the modules in ``SLOW_MODULES``: those that run scripts or the
CLI in new interpreters, port through the Keras 3 / PyTorch world, or train models.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SLOW_MODULES = {
    # scripts, notebooks and the CLI in fresh interpreters
    "test_legacy_examples", "test_port_tf2_examples", "test_cli", "test_runner",
    "test_runner_keras2_and_hints", "test_compat",
    # ports written and proven through the Keras 3 / PyTorch world
    "test_port_command", "test_port_proof", "test_port_graph_proof",
    "test_port_old_era_checkpoints", "test_port_model_shapes", "test_port_layer_norm_cells",
    "test_port_standalone_outputs", "test_port_cudnn_checkpoints", "test_port_cell_clip",
    "test_run_fast", "test_legacy_examples_fast",
    # training, or many graphs and their gradients
    "test_claims_demo", "test_claims_report", "test_static_rnn_mnist",
    "test_fast_matches_basic_lstm", "test_cells_gradients",
    # the fused LSTM step built from its C++ sources, by processes started together
    "test_fast_fused_build",
    # the legacy examples' training steps timed: tiny scripts under run and run --fast
    "test_bench_examples",
    # bare tf_slim in fresh interpreters (what breaks without the repair)
    "test_contrib_layers_bare_tf_slim",
    # scans checked against the live shim in fresh interpreters
    "test_doctor",
    # published-style TF1 programs, each run and trained
    "test_wild_programs",
    # many graphs each (cuDNN layouts and checkpoints, the heavier rebuilt contrib cells, every
    # cell vs the built-ins, every bench path); test-fast keeps the lighter cell modules
    "test_contrib_cudnn_rnn", "test_contrib_cudnn_rnn_layers", "test_cells_match_builtin",
    "test_bench_graphs", "test_contrib_cells_norm", "test_contrib_cells_gated",
    "test_contrib_cells_grid", "test_model_parameters", "test_contrib_crf",
    "test_contrib_crf_in_use",
    # seq2seq: the programs (trained in fresh interpreters), and the decoders' while loops;
    # test-fast keeps the losses, gather_tree and the beam step
    "test_seq2seq_programs", "test_inspect_decoders", "test_bench_seq2seq",
    "test_contrib_seq2seq_decoder", "test_contrib_seq2seq_basic_decoder",
    "test_contrib_seq2seq_helpers", "test_contrib_seq2seq_beam_search",
    "test_contrib_seq2seq_beam_search_attention", "test_contrib_seq2seq_beam_search_arrays",
    "test_contrib_seq2seq_attention", "test_contrib_seq2seq_attention_monotonic",
    "test_contrib_seq2seq_attention_numpy", "test_contrib_seq2seq_attention_tf115_generations",
    "test_contrib_seq2seq_attention_tf115_numbers", "test_contrib_seq2seq_attention_variables",
    "test_contrib_legacy_seq2seq_feed_previous", "test_contrib_legacy_seq2seq_models",
    "test_contrib_legacy_seq2seq_attention_models", "test_contrib_legacy_seq2seq_buckets",
    "test_contrib_legacy_seq2seq_decoders",
    # notebooks executed in the TF1 Jupyter kernel, kernels installed and started, IPython
    # sessions (their in-process tests too: IPython and jupyter_client cost test-fast seconds)
    "test_notebook_run", "test_notebook_kernel_install", "test_notebook_live_sessions",
}


# The longest modules, longest first (their wall seconds in a full `make test` on 2 cores,
# measured). `make test` sends a whole module per worker (--dist loadfile) in collection order,
# so these start first and the short modules fill both workers at the end (measured: the two
# workers finish within seconds of each other). pytest_configure keeps this order: xdist's own
# reordering, on by default, sends the modules with the most tests first, so these few-test
# modules of programs run in new interpreters went out late and in no order of length.
LONGEST_FIRST = (
    "test_legacy_examples", "test_legacy_examples_fast", "test_run_fast",  # 130-140 s
    "test_wild_programs", "test_port_tf2_examples", "test_port_standalone_outputs",  # 60-100
    "test_notebook_run", "test_runner", "test_port_graph_proof", "test_seq2seq_programs",
    "test_cli", "test_claims_report", "test_port_cudnn_checkpoints",  # 30-55 s
    "test_runner_keras2_and_hints", "test_wild_seq2seq_programs", "test_port_command",
    "test_cells_match_builtin", "test_contrib_cudnn_rnn", "test_port_proof",
    "test_port_model_shapes", "test_contrib_layers_bare_tf_slim", "test_distributed_training",
    "test_notebook_live_sessions", "test_runner_module", "test_contrib_cudnn_rnn_layers",
    "test_fast_fused_build", "test_compat", "test_port_old_era_checkpoints",  # 20-30 s
    "test_fast_peephole", "test_port_cell_clip", "test_bench_graphs", "test_bench_examples",
    "test_cells_gradients", "test_fast_gru", "test_fast_matches_basic_lstm", "test_doctor",
)


def pytest_configure(config: pytest.Config) -> None:
    """Keep our collection order (LONGEST_FIRST first) for xdist: its --loadscope-reorder, on
    by default, would send the modules with the most tests first."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of SLOW_MODULES ``slow`` (left out by ``make test-fast``), and put the
    LONGEST_FIRST modules first (the rest keep their order)."""
    for item in items:
        if item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))


def run_python(code: str = "", *args: str, env: dict[str, str] | None = None,
               cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -c code`` (or ``python ARGS`` when code is empty) in a fresh interpreter."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("TF_USE_LEGACY_KERAS", "TF1_LSTM_VERBOSE", "TF1_LSTM_MNIST")}
    full_env.update(env or {})
    command = [sys.executable, "-c", textwrap.dedent(code), *args] if code else [
        sys.executable, *args]
    return subprocess.run(command, capture_output=True, text=True, env=full_env,
                          cwd=cwd or REPO, timeout=timeout)


@pytest.fixture
def empty_mnist_dir(tmp_path: Path) -> Path:
    """A folder with no MNIST files: the reader falls back to the embedded subset."""
    folder = tmp_path / "no_mnist_here"
    folder.mkdir()
    return folder
