"""tests/scripts/wild/: TF1 RNN programs of the kinds published in 2016-2018, run unmodified.

The promise under test: ``tf1-lstm run SCRIPT`` runs such a program on TF 2.21 and it
learns. Each program checks itself (``sys.exit("CHECK FAILED: ...")``); these tests re-check
independently from what it prints: it exited 0, its ``last loss`` is well below its ``first
loss`` and (where it prints them) its accuracy rose, the files it was told to write exist, and
the ``tf1-lstm: note:`` lines are exactly those of the old names it uses (TF 0.12, TF 1.0,
NumPy 1), each once; a program using none prints none.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, run_python

from tf1_lstm.legacy.notices import PREFIX

WILD = REPO / "tests" / "scripts" / "wild"

# What each program's old names must note (the text of each note before " is "), once each.
TF012_NOTES = (
    "tf.split(split_dim, num_split, value, name)", "tf.nn.rnn", "tf.pack",
    "tf.concat(concat_dim, values, name)",
    "tf.nn.softmax_cross_entropy_with_logits(logits, labels, dim, name)", "tf.mul",
    "tf.scalar_summary", "tf.merge_all_summaries", "tf.train.SummaryWriter",
)
NOTES: dict[str, tuple[str, ...]] = {
    "tf012_rnn_classifier": TF012_NOTES,
    "tf10_stacked_lstm_sine": ("MultiRNNCell([cell] * n) with input size != units",),
    "numpy1_sensor_gru": ("np.int", "np.float", "np.Inf", "np.asscalar"),
}

PROGRAMS = [
    "char_rnn",                     # 1  MultiRNNCell, clip_by_global_norm, Saver, sampling
    "bilstm_crf_ner",               # 2  embed_sequence, bidirectional_dynamic_rnn, crf
    "gru_text_classifier",          # 3  optimize_loss, fully_connected, GRUCell, DropoutWrapper
    "layer_norm_ptb_lm",            # 4  LayerNormBasicLSTMCell(dropout_keep_prob=)
    "tf012_rnn_classifier",         # 5  TF 0.12: tf.nn.rnn, tf.concat(1, ...), summaries
    "tf10_stacked_lstm_sine",       # 6  TF 1.0: MultiRNNCell([cell] * 3), input != units
    "numpy1_sensor_gru",            # 7  np.float, np.int, np.asscalar, np.Inf
    "app_flags_majority",           # 8  tf.app.flags, tf.app.run(), tf.gfile, FileWriter
    "private_paths_phased_lstm",    # 9  contrib/rnn/python/ops/*, python/ops/rnn*, PhasedLSTM
    "cudnn_lstm_running_mean",      # 10 CudnnLSTM -> checkpoint -> CudnnCompatibleLSTMCell
    "fused_lstm_autoencoder_bn",    # 11 LSTMBlockFusedCell, batch_norm, UPDATE_OPS
    "mnist_attention_highway",      # 12 input_data, static_rnn, Attention/HighwayWrapper
    "hparams_monitored_session",    # 13 HParams, get_or_create_global_step, Monitored...
    "convlstm_next_frame",          # 14 ConvLSTMCell, Conv2DLSTMCell
]

# Arguments the test passes, so it can look at what the program wrote there.
ARGS: dict[str, tuple[str, ...]] = {
    "char_rnn": ("--save_dir", "{out}"),
    "app_flags_majority": ("--log_dir={out}", "--max_steps=121"),
    "hparams_monitored_session": ("--train_dir", "{out}"),
}
# What must exist in {out} afterwards (a glob).
WRITTEN = {
    "char_rnn": "model.ckpt-*.index",
    "app_flags_majority": "train/events.out.tfevents.*",
    "hparams_monitored_session": "model.ckpt-*.index",
}
NUMBER = r"(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?)"


def run_program(name: str, out: Path) -> subprocess.CompletedProcess:
    args = [arg.format(out=out) for arg in ARGS.get(name, ())]
    return run_python("", "-m", "tf1_lstm", "run", str(WILD / f"{name}.py"), *args,
                      env={"TF1_LSTM_MNIST": "subset"})


def printed(stdout: str, what: str) -> dict[str, float]:
    """``first <what>: X`` and ``last <what>: Y`` from the program's output, if it printed them."""
    found = dict(re.findall(rf"^(first|last) {what}: {NUMBER}$", stdout, re.MULTILINE))
    return {key: float(value) for key, value in found.items()}


def note_subjects(stderr: str) -> Counter:
    return Counter(line[len(PREFIX):].split(" is ")[0] for line in stderr.splitlines()
                   if line.startswith(PREFIX))


def test_there_is_one_program_per_kind_and_none_imports_tf1_lstm():
    assert sorted(path.stem for path in WILD.glob("*.py")) == sorted(PROGRAMS)
    for name in PROGRAMS:
        text = (WILD / f"{name}.py").read_text(encoding="utf-8")
        assert "import tensorflow as tf" in text, name
        assert not re.search(r"^\s*(import|from)\s+tf1_lstm\b", text, re.MULTILINE), name
        assert "tf.compat" not in text, name
        assert 'sys.exit("CHECK FAILED' in text, name


@pytest.mark.parametrize("name", PROGRAMS)
def test_wild_program_runs_unmodified_and_learns(name: str, tmp_path: Path):
    result = run_program(name, tmp_path)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert result.stdout.splitlines()[-1] == "CHECK OK", report

    loss = printed(result.stdout, "loss")
    assert loss.keys() == {"first", "last"}, report
    assert loss["last"] < 0.6 * loss["first"], loss
    accuracy = printed(result.stdout, "accuracy")
    if accuracy:
        assert accuracy.keys() == {"first", "last"}, report
        assert accuracy["last"] > max(accuracy["first"] + 0.3, 0.7), accuracy

    if name in WRITTEN:
        assert list(tmp_path.glob(WRITTEN[name])), sorted(tmp_path.rglob("*"))
    assert note_subjects(result.stderr) == Counter(NOTES.get(name, ())), result.stderr
