"""tf2_examples/: each legacy program as idiomatic TF2 / Keras 3, run and self-checked.

Every script runs in its own process (Keras 3 cannot share this TF1-world process), with
``--quick`` where it trains (a few epochs, a lower accuracy bar; the full runs are the
scripts' defaults), two at a time. Each must exit 0 with a final ``CHECK OK`` line.
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, run_python

TF2 = REPO / "tf2_examples"
LEGACY = REPO / "legacy_examples"
RUNS = {  # run id -> (script stem, arguments)
    "000": ("000_lstm_mnist_transpose_split", ["--quick"]),
    "001_004": ("001_004_peephole_and_gru_variants", ["--quick"]),
    "001_outputs": ("001_outputs_vs_states", []),
    "001_stacked": ("001_stacked_lstm_mnist", ["--quick"]),
    "001_stacked_mirrored": ("001_stacked_lstm_mnist", ["--quick", "--mirrored"]),
    "002": ("002_static_rnn_unstack_mnist", ["--quick"]),
    "003": ("003_hand_traced_memory_cell", []),
    "004": ("004_sequence_batches_char_lstm", ["--quick"]),
}
RUN_ELSEWHERE = {"005_seq2seq_attention_reversal",  # run by test_seq2seq_programs.py
                 "006_legacy_seq2seq_buckets"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    cwd = tmp_path_factory.mktemp("tf2_examples")  # scripts name relative data folders

    def run(item):
        name, (stem, args) = item
        return name, run_python("", str(TF2 / f"{stem}.py"), *args,
                                env={"TF1_LSTM_MNIST": "subset"}, cwd=cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two Keras processes at a time
        return dict(pool.map(run, RUNS.items()))


def test_every_legacy_program_has_a_tf2_port_of_the_same_name():
    assert sorted(p.name for p in TF2.glob("*.py")) == sorted(p.name for p in LEGACY.glob("*.py"))
    assert {stem for stem, _ in RUNS.values()} | RUN_ELSEWHERE == {
        p.stem for p in TF2.glob("*.py")}


@pytest.mark.parametrize("script", sorted(TF2.glob("*.py")), ids=lambda path: path.stem)
def test_ports_are_keras_3_and_never_tf1(script: Path):
    text = script.read_text(encoding="utf-8")
    assert re.search(r"^import keras\b", text, re.MULTILINE)
    assert "tf1_lstm.compat" not in text and "tf.compat" not in text and "contrib" not in text
    assert "CHECK OK" in text and re.search(r'sys\.exit\(f?"CHECK FAILED', text)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_port_runs_and_checks_its_own_result(runs, name):
    result = runs[name]
    assert result.returncode == 0, f"stdout:\n{result.stdout[-3000:]}\nstderr:\n" \
                                   f"{result.stderr[-3000:]}"
    assert result.stdout.splitlines()[-1].startswith("CHECK OK"), result.stdout[-2000:]


def test_stacked_port_trains_unchanged_under_mirrored_strategy(runs):
    result = runs["001_stacked_mirrored"]
    assert "MirroredStrategy: 2 replicas in sync" in result.stdout
    assert "on 2 mirrored replicas" in result.stdout.splitlines()[-1]


# What each run printed, checked here against the documents' own numbers (not the scripts'
# CHECK lines, which are the scripts' own code judging themselves).
DOCUMENT_003_MEMORY, DOCUMENT_003_OUTPUT = [3, 7, 7, 7, 0], [0, 0, 0, 7, 0]
ACCURACY = re.compile(r"[Tt]est(?:ing)? [Aa]ccuracy[^0-9]*?(\d\.\d{4})")
QUICK_ACCURACY_FLOOR = 0.5  # MNIST chance is 0.1; a few quick epochs of any LSTM reach 0.5


@pytest.mark.parametrize("name", ["000", "001_stacked", "002"])
def test_mnist_ports_print_a_test_accuracy_far_above_chance(runs, name):
    accuracies = [float(value) for value in ACCURACY.findall(runs[name].stdout)]
    assert accuracies and min(accuracies) > QUICK_ACCURACY_FLOOR, runs[name].stdout[-1500:]


def test_peephole_and_gru_ports_print_the_documents_parameter_ratios(runs):
    rows = {line.split()[0]: line.split() for line in runs["001_004"].stdout.splitlines()
            if line.split() and line.split()[0] in ("LSTM", "peephole", "gru")}
    lstm = int(rows["LSTM"][1])
    assert int(rows["gru"][1]) * 4 == lstm * 3  # document 003: GRU has 3/4 of the weights
    assert int(rows["peephole"][1]) == lstm + 3 * 150 * 3  # w_i, w_f, w_o [150] per layer


def test_document_003_trace_printed_by_the_keras_port_is_the_lectures(runs):
    table = [line.split() for line in runs["003"].stdout.splitlines()
             if re.match(r"^\d\s+\[", line)]
    memory = [float(row[-2]) for row in table]
    output = [float(row[-1]) for row in table]
    assert memory == pytest.approx(DOCUMENT_003_MEMORY, abs=1e-3)
    assert output == pytest.approx(DOCUMENT_003_OUTPUT, abs=1e-3)


def test_char_lstm_port_learns_its_text(runs):
    match = re.search(r"first batch loss (\S+) \(ln\(vocab\) = (\S+)\), last epoch mean loss "
                      r"(\S+)", runs["004"].stdout)
    first, chance, last = (float(value) for value in match.groups())
    assert abs(first - chance) < 0.5  # untrained: about uniform over the vocabulary
    assert last < 0.8 * first
