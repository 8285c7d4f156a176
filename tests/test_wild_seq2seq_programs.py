"""tests/scripts/wild_seq2seq/: TF1 seq2seq programs of the kinds published in 2016-2018.

The promise under test: ``tf1-lstm run SCRIPT`` runs such a program unmodified on TF 2.21
(``tf.contrib.seq2seq``, ``tf.contrib.legacy_seq2seq``, TF 0.12's ``tf.nn.seq2seq``, the
private module paths) and it learns. Each program checks itself (``sys.exit("CHECK FAILED:
...")``); these tests re-check from what it printed: exit 0 and ``CHECK OK``, its ``last loss``
well below its ``first loss``, its held-out results against rules written again here (the
toy translations, the forecast against a baseline), the TF 1.15 variable names of its graph
(so TF1 checkpoints of such models restore), the files it was told to write, and the
``tf1-lstm: note:`` lines of the old names it uses, each once.

The four programs run once, two processes at a time (two cores).

``GAPS``: a program that real code's idioms make fail for a gap of tf1-lstm, named there;
its tests that fail for it are strict xfails, so the fix turns them into XPASS failures:
delete the entry with the fix.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, run_python

from tf1_lstm.legacy.notices import PREFIX

pytestmark = pytest.mark.slow  # four trainings in new interpreters

WILD = REPO / "tests" / "scripts" / "wild_seq2seq"
PROGRAMS = [  # the slowest first
    "chatbot_legacy_tf012",      # tf.nn.seq2seq buckets, sampled softmax, MultiRNNCell([c] * 2)
    "nmt_attention_tf14",        # tensorflow/nmt: time-major, Luong, Saver -> infer graph, beam
    "char_rnn_legacy_decoder",   # legacy_seq2seq.rnn_decoder with a loop function
    "custom_attention_private",  # _BaseAttentionMechanism subclass, CustomHelper, private paths
]
GAPS: dict[str, str] = {}  # none left
ARGS = {
    "nmt_attention_tf14": ("--out_dir", "{out}"),
    "chatbot_legacy_tf012": ("--train_dir={out}",),
    "char_rnn_legacy_decoder": ("--save_dir", "{out}"),
}
WRITTEN = {  # a glob in {out}, afterwards
    "nmt_attention_tf14": "translate.ckpt-130.index",
    "chatbot_legacy_tf012": "chatbot.ckpt-120.index",
    "char_rnn_legacy_decoder": "model.ckpt-*.index",
}
# The old names each program uses: what their notes say before " is ", once each.
NOTES = {"chatbot_legacy_tf012": (
    "tf.nn.seq2seq", "MultiRNNCell([cell] * n) with input size != units",
    "softmax_loss_function sampled_loss(inputs, labels)",
    "tf.nn.sampled_softmax_loss(weights, biases, inputs, labels, num_sampled, num_classes, "
    "num_true, sampled_values, remove_accidental_hits, partition_strategy, name)",
    "one built cell for every bucket of legacy_seq2seq.embedding_attention_seq2seq")}
IDIOMS = {  # what each program must keep writing the way its period did
    "nmt_attention_tf14": [
        "from tensorflow.python.layers import core as layers_core", "tf.contrib.learn.ModeKeys",
        "time_major=self.time_major", "tf.contrib.seq2seq.LuongAttention(", "scale=True",
        "tf.contrib.seq2seq.AttentionWrapper(", "alignment_history=alignment_history",
        "output_attention=", 'name="attention"', "tf.contrib.seq2seq.TrainingHelper(",
        "output_time_major=self.time_major, swap_memory=True", "scope=decoder_scope",
        "logits = self.output_layer(outputs.rnn_output)", "tf.sequence_mask(",
        "tf.clip_by_global_norm(", "tf.train.Saver(", "graph = tf.Graph()",
        "tf.contrib.seq2seq.tile_batch(", "tf.contrib.seq2seq.BeamSearchDecoder(",
        "length_penalty_weight=", "tf.contrib.training.HParams(", "lookup_ops."],
    "chatbot_legacy_tf012": [
        "tf.nn.seq2seq.embedding_attention_seq2seq(", "tf.nn.seq2seq.model_with_buckets(",
        "tf.nn.rnn_cell.GRUCell(", "tf.nn.rnn_cell.MultiRNNCell([single_cell] * num_layers)",
        "tf.initialize_all_variables()", "tf.train.Saver(tf.all_variables())",
        "softmax_loss_function=softmax_loss_function", "tf.nn.sampled_softmax_loss(",
        "tf.clip_by_global_norm(", "tf.app.run()", "from six.moves import xrange"],
    "char_rnn_legacy_decoder": [
        "from tensorflow.contrib import legacy_seq2seq", "legacy_seq2seq.rnn_decoder(",
        "loop_function=loop if infer else None", "scope='rnnlm'",
        "legacy_seq2seq.sequence_loss_by_example(", "tf.split(", "tf.squeeze(input_, [1])",
        "rnn.MultiRNNCell(", "tf.train.Saver("],
    "custom_attention_private": [
        "from tensorflow.contrib.seq2seq.python.ops import attention_wrapper",
        "from tensorflow.contrib.seq2seq.python.ops import helper as helper_py",
        "from tensorflow.contrib.seq2seq.python.ops import decoder",
        "(attention_wrapper._BaseAttentionMechanism)", "decoder._transpose_batch_time(",
        "helper_py._unstack_ta(", "helper_py.CustomHelper(",
        "tf.contrib.seq2seq.InferenceHelper(", "tf.contrib.seq2seq.dynamic_decode("],
}
NUMBER = r"(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?)"


def cases(*names: str) -> list:
    """``names`` as parameters, those in GAPS strict xfails."""
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=GAPS[name]))
            if name in GAPS else name for name in names]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    def run(name):
        out = tmp_path_factory.mktemp(name)
        args = [arg.format(out=out) for arg in ARGS.get(name, ())]
        return name, (run_python("", "-m", "tf1_lstm", "run", str(WILD / f"{name}.py"), *args,
                                 cwd=out), out)

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
        return dict(pool.map(run, PROGRAMS))


def report(result: subprocess.CompletedProcess) -> str:
    return f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"


def printed(stdout: str, what: str) -> float:
    match = re.search(rf"^{what}: {NUMBER}", stdout, re.MULTILINE)
    assert match, f"no line {what!r} in:\n{stdout[-2000:]}"
    return float(match[1])


def shapes(text: str) -> list[int]:
    return [int(v) for v in re.findall(r"\d+", text)]


# ---- static: the programs are plain TF1 of their period -------------------------------------


# A program's own modules beside it, as the repository it imitates split them.
MODULES = {"nmt_attention_tf14": ("nmt_attention_tf14_model",)}


def test_there_is_one_program_per_kind_and_each_keeps_its_idioms():
    assert sorted(path.stem for path in WILD.glob("*.py")) == sorted(
        [*PROGRAMS, *(module for modules in MODULES.values() for module in modules)])
    for name in PROGRAMS:
        text = "\n".join((WILD / f"{stem}.py").read_text(encoding="utf-8")
                         for stem in (name, *MODULES.get(name, ())))
        assert "import tensorflow as tf" in text, name
        assert not re.search(r"^\s*(import|from)\s+(tf1_lstm|keras|torch)\b", text, re.M), name
        # (tf.compat.as_str is TF 0.12's own, in the translate tutorial's decode())
        assert "tf.compat.v" not in text and "tf.keras" not in text, name
        assert 'sys.exit("CHECK FAILED' in text and 'print("CHECK OK")' in text, name
        for idiom in IDIOMS[name]:
            assert idiom in text, (name, idiom)


# ---- every program runs, learns and writes what it was asked to -----------------------------


@pytest.mark.parametrize("name", cases(*PROGRAMS))
def test_program_runs_unmodified_and_checks_itself(runs, name):
    result, _ = runs[name]
    assert result.returncode == 0, report(result)
    assert result.stdout.splitlines()[-1] == "CHECK OK", report(result)


@pytest.mark.parametrize("name", cases(*PROGRAMS))
def test_loss_falls(runs, name):
    out = runs[name][0].stdout
    assert printed(out, "last loss") < 0.3 * printed(out, "first loss")


@pytest.mark.parametrize("name", cases(*WRITTEN))
def test_program_writes_its_checkpoint_where_told(runs, name):
    _, out = runs[name]
    assert list(out.glob(WRITTEN[name])), sorted(p.name for p in out.rglob("*"))


@pytest.mark.parametrize("name", PROGRAMS)
def test_notes_are_those_of_the_old_names_used_each_once(runs, name):
    stderr = runs[name][0].stderr
    subjects = Counter(line[len(PREFIX):].split(" is ")[0] for line in stderr.splitlines()
                       if line.startswith(PREFIX))
    assert subjects == Counter(NOTES.get(name, ())), stderr[-3000:]


# ---- nmt: the reversed digits as words, through a restored inference graph -------------------

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def nmt_variables(out: str) -> dict[str, list[int]]:
    return {name: shapes(shape) for name, shape in
            re.findall(r"^  (\S+):0, \(([\d, ]*)\)$", out, re.MULTILINE)}


@pytest.mark.parametrize("name", cases("nmt_attention_tf14"))
def test_nmt_translates_held_out_sentences_after_restoring(runs, name):
    out = runs[name][0].stdout
    pairs = re.findall(r"^    src: ([\d ]+)\n    nmt: (.*)$", out, re.MULTILINE)
    assert len(pairs) == 5, out[-2000:]
    right = [nmt == " ".join(WORDS[int(d)] for d in reversed(src.split()))
             for src, nmt in pairs]
    assert sum(right) >= 4, pairs
    assert printed(out, "beam search accuracy") >= 0.8
    assert re.search(r"^restored 11 variables from translate\.ckpt-130$", out, re.MULTILINE)


@pytest.mark.parametrize("name", cases("nmt_attention_tf14"))
def test_nmt_variables_are_tf115_names_with_shapes_from_the_hparams(runs, name):
    units, vocab = 32, 13  # embeddings of num_units, one LSTM layer each side
    d = "dynamic_seq2seq/decoder"
    expected = {
        "embeddings/encoder/embedding_encoder": [vocab, units],
        "embeddings/decoder/embedding_decoder": [vocab, units],
        "dynamic_seq2seq/encoder/rnn/basic_lstm_cell/kernel": [units + units, 4 * units],
        "dynamic_seq2seq/encoder/rnn/basic_lstm_cell/bias": [4 * units],
        f"{d}/memory_layer/kernel": [units, units],
        # the cell reads [embedding, previous attention] and its own h
        f"{d}/attention/basic_lstm_cell/kernel": [units + units + units, 4 * units],
        f"{d}/attention/basic_lstm_cell/bias": [4 * units],
        f"{d}/attention/luong_attention/attention_g": [],
        f"{d}/attention/attention_layer/kernel": [units + units, units],  # [h, context]
        f"{d}/output_projection/kernel": [units, vocab],  # called after decoding, no bias
    }
    assert nmt_variables(runs[name][0].stdout) == expected


# ---- chatbot: the opposites, decoded one sentence at a time from the checkpoint --------------

OPPOSITES = dict([("hot", "cold"), ("big", "small"), ("up", "down"), ("yes", "no"),
                  ("left", "right"), ("fast", "slow"), ("old", "new"), ("day", "night"),
                  ("open", "closed"), ("happy", "sad")])
OPPOSITES.update({b: a for a, b in OPPOSITES.items()})


@pytest.mark.parametrize("name", cases("chatbot_legacy_tf012"))
def test_chatbot_replies_with_the_opposites(runs, name):
    out = runs[name][0].stdout
    pairs = re.findall(r"^> (.*)\n(.*)$", out, re.MULTILINE)
    assert len(pairs) == 4, out[-2000:]
    right = [reply.split() == [OPPOSITES[w] for w in question.split()]
             for question, reply in pairs]
    assert sum(right) >= 2, pairs
    assert printed(out, "held-out reply accuracy") >= 0.6
    assert "Reading model parameters from" in out  # decode() restored, not initialized


# ---- char-rnn: the loop function writes the rhyme -------------------------------------------


def test_char_rnn_loop_function_generates_the_rhyme(runs):
    out = runs["char_rnn_legacy_decoder"][0].stdout
    looped = re.search(r"^loop function sample: '(.*)'$", out, re.MULTILINE)
    picked = re.search(r"^weighted pick sample: '(.*)'$", out, re.MULTILINE)
    assert looped and picked, out[-2000:]
    rhyme = "twinkle twinkle little star, how i wonder what you are. " * 2
    assert len(looped[1]) == len("twinkle ") + 40 and looped[1].startswith("twinkle ")
    assert looped[1][-32:] in rhyme  # greedy: the rhyme itself, once past the prime
    assert len(picked[1]) == len("twinkle ") + 40 and picked[1].startswith("twinkle ")


# ---- custom attention: a forecast, and TF 1.15's names for a home-made mechanism -------------


def test_custom_attention_forecast_beats_repeating_the_last_value(runs):
    out = runs["custom_attention_private"][0].stdout
    match = re.search(rf"^free-running forecast mse {NUMBER} \(repeating the last value: "
                      rf"{NUMBER}\)$", out, re.MULTILINE)
    assert match, out[-2000:]
    assert float(match[1]) < 0.25 * float(match[2])


def test_custom_attention_variables_follow_tf115_scopes(runs):
    out = runs["custom_attention_private"][0].stdout
    found = {name: shapes(shape) for name, shape in
             re.findall(r"^  (\S+):0 \[([\d, ]*)\]$", out, re.MULTILINE)}
    units, wrapper = 32, "decoder/decoder/attention_wrapper"  # dynamic_decode's own "decoder"
    assert found == {
        "encoder/rnn/lstm_cell/kernel": [1 + units, 4 * units],
        "encoder/rnn/lstm_cell/bias": [4 * units],
        "decoder/memory_layer/kernel": [units, units],  # built with the mechanism
        f"{wrapper}/lstm_cell/kernel": [1 + units + units, 4 * units],
        f"{wrapper}/lstm_cell/bias": [4 * units],
        f"{wrapper}/cosine_attention/query_layer/kernel": [units, units],
        f"{wrapper}/cosine_attention/sharpness": [],
        f"{wrapper}/attention_layer/kernel": [units + units, units],
        "decoder/decoder/output_projection/kernel": [units, 1],
        "decoder/decoder/output_projection/bias": [1],
    }
