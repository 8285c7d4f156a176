"""``tf1-lstm bench``: our TF1 graphs beside Keras 3 and PyTorch, each path in its own process.

For documents 002 (1 x LSTM(128), batch 128) and 001 (3 x LSTM(150), batch 150), every path
(static_rnn, dynamic_rnn, the hand-written cells, the fast path, the block cells, Keras 3,
PyTorch) is timed one after another, each in a fresh process: a training step and a
forward pass of 1024 rows, median and spread of repeated blocks after warm-up, with ratios
to static_rnn and PyTorch, GFLOP/s and the fraction of a matmul ceiling measured in the
same run. Then graph construction and first-step time at T = 28, 100, 500. Then seq2seq:
legacy_seq2seq's ``embedding_attention_seq2seq`` training step, and contrib.seq2seq greedy and
beam (width 10, batch 64) decoding, each beside the same model in PyTorch (``--seq2seq-only``).

    jobs.py       the models, paths and jobs, as data     timing.py   warm-up, timed blocks
    runner.py     one process per job (tf1_lstm.worlds), one after another
    tf1_graphs.py the TF1-world graphs (and the ceiling)  machine.py  CPU, versions, busyness
    keras_model.py / torch_model.py  the TF2 worlds       report.py   ratios, table, JSON
    seq2seq_tf1.py / seq2seq_torch.py  the seq2seq rows in the TF1 world and in PyTorch
    command.py    add_arguments, main

This package's ``__init__`` and ``command`` import no TensorFlow or PyTorch (``tf1-lstm
--help`` stays instant).
"""

from tf1_lstm.bench.command import add_arguments, main

__all__ = ["add_arguments", "main"]
