"""Every legacy example under ``tf1-lstm run --fast``: its own CHECK passes, and the notes say
which RNN calls the fast path ran and which it left to TF (document 002's losses are compared
call for call in ``test_run_fast``)."""

from __future__ import annotations

import pytest
from conftest import REPO, run_python

SERVED = "ran on the fast path"
# example -> (its arguments, the note lines it must print: what ran fast, what did not)
EXAMPLES = {
    "000_lstm_mnist_transpose_split": ([], ["static_rnn of BasicLSTMCell " + SERVED]),
    "001_stacked_lstm_mnist": ([], ["dynamic_rnn of MultiRNNCell of 3 BasicLSTMCell(s) " +
                                    SERVED]),
    "001_004_peephole_and_gru_variants": (["--epochs", "3"], [
        "dynamic_rnn of MultiRNNCell of 3 BasicLSTMCell(s) " + SERVED,
        "dynamic_rnn of MultiRNNCell of 3 LSTMCell(s) " + SERVED,
        "dynamic_rnn of MultiRNNCell of 3 GRUCell(s) " + SERVED]),
    "001_outputs_vs_states": ([], ["dynamic_rnn of MultiRNNCell of 3 BasicLSTMCell(s) " +
                                   SERVED]),
    "003_hand_traced_memory_cell": ([], []),
    "004_sequence_batches_char_lstm": ([], [
        "dynamic_rnn ran as TF's own: fast.dynamic_rnn needs inputs of rank 3 with the number "
        "of time steps known"]),
    "005_seq2seq_attention_reversal": ([], [
        "bidirectional_dynamic_rnn ran as TF's own: fast.dynamic_rnn needs inputs of rank 3"]),
    "006_legacy_seq2seq_buckets": ([], ["static_rnn of EmbeddingWrapper"]),
}


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_example_passes_its_check_with_fast_and_the_notes_say_what_ran_fast(example):
    args, notes = EXAMPLES[example]
    result = run_python("", "-m", "tf1_lstm", "run", "--fast",
                        str(REPO / "legacy_examples" / f"{example}.py"), *args,
                        env={"TF1_LSTM_MNIST": "subset"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "CHECK OK" in result.stdout.splitlines()[-1], result.stdout[-2000:]
    printed = [line.removeprefix("tf1-lstm: note: --fast: ") for line in
               result.stderr.splitlines() if line.startswith("tf1-lstm: note: --fast: ")]
    for note in notes:
        assert any(line.startswith(note) for line in printed), (note, printed)
    assert any(line.startswith("tf.Session threads") for line in printed)
