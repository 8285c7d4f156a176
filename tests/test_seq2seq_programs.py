"""The seq2seq programs: legacy_examples/005 and 006 run unmodified by ``tf1-lstm run``, and
their Keras 3 ports in tf2_examples/ (``--quick``), each checking its own result.

The four programs run once, two processes at a time. Beyond their own ``CHECK OK``, the tests
re-derive what they claim from what they printed: the held-out accuracies from the printed
(source, prediction) pairs against a reversal and a bi-quinary translation written here, the
buckets from the translate tutorial's rule, and the TF1 variables' shapes from the layer
sizes (the names are TF 1.15's, so TF 1.x checkpoints of these models restore).
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import REPO, run_python

LEGACY, TF2 = REPO / "legacy_examples", REPO / "tf2_examples"
REVERSAL, BUCKETED = "005_seq2seq_attention_reversal", "006_legacy_seq2seq_buckets"
RUNS = {  # run id -> python arguments; the slowest first, two at a time
    "legacy_006": ["-m", "tf1_lstm", "run", str(LEGACY / f"{BUCKETED}.py")],
    "legacy_005": ["-m", "tf1_lstm", "run", str(LEGACY / f"{REVERSAL}.py")],
    "tf2_006": [str(TF2 / f"{BUCKETED}.py"), "--quick"],
    "tf2_005": [str(TF2 / f"{REVERSAL}.py"), "--quick"],
}
# Exact-sequence accuracy on held-out inputs that these tests accept: the full TF1 runs meet
# their own bar; the --quick Keras runs train less. Chance is ~0 (10^L possible strings).
ACCURACY_FLOOR = {"legacy_005": 0.9, "legacy_006": 0.9, "tf2_005": 0.7, "tf2_006": 0.7}
HELD_OUT = 200


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    cwd = tmp_path_factory.mktemp("seq2seq_programs")

    def run(item):
        name, args = item
        return name, run_python("", *args, cwd=cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
        return dict(pool.map(run, RUNS.items()))


def printed_float(out: str, pattern: str) -> float:
    match = re.search(pattern, out, re.MULTILINE)
    assert match, f"no line matching {pattern!r} in:\n{out[-2000:]}"
    return float(match[1])


def printed_variables(out: str) -> dict[str, list[int]]:
    """The ``name:0  [shape]`` lines the TF1 programs print."""
    return {name: [int(v) for v in shape.split(",")] for name, shape in
            re.findall(r"^  (\S+):0\s+\[([\d, ]+)\]$", out, re.MULTILINE)}


# ---- static: the TF1 programs are plain 2018 TF1, the ports plain Keras 3 -------------------

CONTRIB_NAMES = {
    REVERSAL: ["tf.contrib.seq2seq.TrainingHelper", "tf.contrib.seq2seq.BasicDecoder",
               "tf.contrib.seq2seq.dynamic_decode", "tf.contrib.seq2seq.BahdanauAttention",
               "tf.contrib.seq2seq.AttentionWrapper", "tf.contrib.seq2seq.sequence_loss",
               "tf.contrib.seq2seq.GreedyEmbeddingHelper", "tf.contrib.seq2seq.tile_batch",
               "tf.contrib.seq2seq.BeamSearchDecoder", "alignment_history=True",
               "tf.nn.bidirectional_dynamic_rnn", "tf.layers.Dense"],
    BUCKETED: ["tf.contrib.legacy_seq2seq.embedding_attention_seq2seq",
               "tf.contrib.legacy_seq2seq.model_with_buckets", "feed_previous=do_decode"],
}


@pytest.mark.parametrize("stem", [REVERSAL, BUCKETED])
def test_legacy_programs_are_plain_tf1_with_the_contrib_seq2seq_names(stem):
    text = (LEGACY / f"{stem}.py").read_text(encoding="utf-8")
    assert "import tensorflow as tf" in text
    assert not re.search(r"^\s*(import|from)\s+(tf1_lstm|keras|torch)\b", text, re.MULTILINE)
    assert "tf.compat" not in text and "tf.keras" not in text
    for idiom in ["tf.placeholder(", "tf.Session()", "tf.variable_scope("]:
        assert idiom in text
    for name in CONTRIB_NAMES[stem]:
        assert name in text, name
    assert 'sys.exit("CHECK FAILED' in text and "CHECK OK" in text


@pytest.mark.parametrize("stem", [REVERSAL, BUCKETED])
def test_keras_ports_touch_no_tensorflow_api(stem):
    text = (TF2 / f"{stem}.py").read_text(encoding="utf-8")
    assert re.search(r"^import keras\b", text, re.MULTILINE)
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tf1_lstm)\b", text, re.MULTILINE)
    assert "contrib" not in text and "tf.compat" not in text


# ---- every program runs and checks itself ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(RUNS))
def test_program_exits_0_with_check_ok(runs, name):
    result = runs[name]
    assert result.returncode == 0, f"stdout:\n{result.stdout[-3000:]}\nstderr:\n" \
                                   f"{result.stderr[-3000:]}"
    assert result.stdout.splitlines()[-1].startswith("CHECK OK"), result.stdout[-2000:]


# ---- 005: reversal, greedy and beam search --------------------------------------------------


@pytest.mark.parametrize("name", ["legacy_005", "tf2_005"])
def test_reversal_accuracies_match_the_printed_predictions(runs, name):
    out = runs[name].stdout
    rows = re.findall(r"^  (\d+) -> (\d*) \| (\d*)$", out, re.MULTILINE)
    sources = [source for source, _, _ in rows]
    assert len(rows) == HELD_OUT and len(set(sources)) == HELD_OUT
    assert all(3 <= len(source) <= 8 for source in sources)
    greedy = sum(g == s[::-1] for s, g, _ in rows) / HELD_OUT
    beam = sum(b == s[::-1] for s, _, b in rows) / HELD_OUT
    assert greedy == pytest.approx(printed_float(out, r"^greedy exact-sequence accuracy: (\S+)$"),
                                   abs=1e-4)
    assert beam == pytest.approx(printed_float(
        out, r"^beam search \(width 5\) exact-sequence accuracy: (\S+)$"), abs=1e-4)
    assert min(greedy, beam) >= ACCURACY_FLOOR[name]


@pytest.mark.parametrize("name", ["legacy_005", "tf2_005"])
def test_reversal_alignment_history_is_time_major_over_the_source(runs, name):
    match = re.search(r"^alignment[_ ]history \[(\d+), (\d+), (\d+)\] \[T, B, S\]",
                      runs[name].stdout, re.MULTILINE)
    assert match, runs[name].stdout[-2000:]
    steps, batch, source = (int(v) for v in match.groups())
    assert steps <= 9 and batch == HELD_OUT and source == 8  # T <= 8 digits + EOS; S = 8


def test_legacy_005_variables_are_tf1_names_with_shapes_from_the_layer_sizes(runs):
    embed, enc, dec, vocab = 16, 32, 64, 13
    expected = {"embedding": [vocab, embed]}
    for direction in ("fw", "bw"):
        expected[f"encoder/bidirectional_rnn/{direction}/lstm_cell/kernel"] = [embed + enc,
                                                                              4 * enc]
        expected[f"encoder/bidirectional_rnn/{direction}/lstm_cell/bias"] = [4 * enc]
    expected.update({
        "decoder/memory_layer/kernel": [2 * enc, dec],                # keys = W_m memory
        # the cell reads [embedding, previous attention] and its own h
        "decoder/attention/lstm_cell/kernel": [embed + dec + dec, 4 * dec],
        "decoder/attention/lstm_cell/bias": [4 * dec],
        "decoder/attention/bahdanau_attention/query_layer/kernel": [dec, dec],
        "decoder/attention/bahdanau_attention/attention_v": [dec],
        "decoder/attention/attention_layer/kernel": [dec + 2 * enc, dec],  # [h, context]
        "decoder/output_projection/kernel": [dec, vocab],
    })
    assert printed_variables(runs["legacy_005"].stdout) == expected


def test_legacy_005_loss_falls_in_the_printed_log(runs):
    losses = [float(v) for v in re.findall(r"^step \d+  loss (\S+)$", runs["legacy_005"].stdout,
                                           re.MULTILINE)]
    assert len(losses) >= 3 and losses[-1] < 0.1 * losses[0]


# ---- 006: the bucketed toy translation -------------------------------------------------------

BUCKETS = [(4, 8), (7, 14)]


def bi_quinary(digits: list[int]) -> list[str]:
    """The toy language, written again here: d < 5 -> "d", d >= 5 -> "V", "d - 5"."""
    return [word for d in digits for word in ([str(d)] if d < 5 else ["V", str(d - 5)])]


def tutorial_bucket(source_length: int, target_length: int) -> int:
    """The first bucket with len(source) < s and len(target + EOS) < t."""
    return next(b for b, (s, t) in enumerate(BUCKETS)
                if source_length < s and target_length + 1 < t)


@pytest.mark.parametrize("name", ["legacy_006", "tf2_006"])
def test_bucketed_translations_match_an_independent_translation(runs, name):
    out = runs[name].stdout
    rows = re.findall(r"^  (\d): ([\d ]+) -> (.*)$", out, re.MULTILINE)
    assert len(rows) == HELD_OUT
    right, total = [0, 0], [0, 0]
    for bucket, source, decoded in rows:
        digits = [int(d) for d in source.split()]
        target = bi_quinary(digits)
        assert int(bucket) == tutorial_bucket(len(digits), len(target))
        total[int(bucket)] += 1
        right[int(bucket)] += decoded.split() == target
    for b, bucket in enumerate(BUCKETS):
        line = re.search(rf"^bucket {b} \({bucket[0]}, {bucket[1]}\): (\d+) held-out pairs, "
                         r"exact-sequence accuracy (\S+)$", out, re.MULTILINE)
        assert line and int(line[1]) == total[b] > 0
        assert float(line[2]) == pytest.approx(right[b] / total[b], abs=1e-4)
    assert sum(right) / HELD_OUT >= ACCURACY_FLOOR[name]


def test_legacy_006_variables_are_tf1_names_with_shapes_from_the_layer_sizes(runs):
    embed, units, source_vocab, target_vocab = 32, 64, 14, 10
    seq2seq = "embedding_attention_seq2seq"
    decoder = f"{seq2seq}/embedding_attention_decoder/attention_decoder"

    def gru(scope, inputs):
        return {f"{scope}/gru_cell/gates/kernel": [inputs + units, 2 * units],
                f"{scope}/gru_cell/gates/bias": [2 * units],
                f"{scope}/gru_cell/candidate/kernel": [inputs + units, units],
                f"{scope}/gru_cell/candidate/bias": [units]}

    expected = {
        f"{seq2seq}/rnn/embedding_wrapper/embedding": [source_vocab, embed],
        **gru(f"{seq2seq}/rnn/embedding_wrapper", embed),      # the deep-copied encoder cell
        f"{seq2seq}/embedding_attention_decoder/embedding": [target_vocab, embed],
        f"{decoder}/AttnW_0": [1, 1, units, units],             # a 1x1 conv over the memory
        f"{decoder}/AttnV_0": [units],
        f"{decoder}/kernel": [embed + units, embed],           # Linear([input, attention])
        f"{decoder}/bias": [embed],
        **gru(f"{decoder}/output_projection_wrapper", embed),
        f"{decoder}/output_projection_wrapper/kernel": [units, target_vocab],
        f"{decoder}/output_projection_wrapper/bias": [target_vocab],
        f"{decoder}/Attention_0/kernel": [units, units],        # the query: the GRU state
        f"{decoder}/Attention_0/bias": [units],
        f"{decoder}/AttnOutputProjection/kernel": [target_vocab + units, target_vocab],
        f"{decoder}/AttnOutputProjection/bias": [target_vocab],
    }
    out = runs["legacy_006"].stdout
    assert printed_variables(out) == expected
    for b, (_, target_size) in enumerate(BUCKETS):
        assert f"bucket {b} {BUCKETS[b]}: {target_size} decoder outputs of [None, " \
               f"{target_vocab}]" in out


@pytest.mark.parametrize("name", ["tf2_005", "tf2_006"])
def test_keras_ports_loss_falls(runs, name):
    losses = [float(v) for v in re.search(r"^mean loss per epoch: (.*)$", runs[name].stdout,
                                          re.MULTILINE)[1].split()]
    assert len(losses) == 4 and losses[-1] < 0.5 * losses[0]
