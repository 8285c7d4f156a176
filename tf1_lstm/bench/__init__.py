"""``tf1-lstm bench``: our TF1 graphs beside Keras 3 and PyTorch, each path in its own process.

For documents 002 (1 x LSTM(128), batch 128) and 001 (3 x LSTM(150), batch 150), and at
002's sizes LSTMCell(use_peepholes=True), GRUCell and a bidirectional LSTM, every path
(static_rnn, dynamic_rnn, the hand-written cells, the fast path, the block cells, Keras 3,
PyTorch; each model's own list) is timed one after another, each in a fresh process: a
training step, a forward pass of 1024 rows and (002, 001) of one row (latency), median and
spread of repeated blocks after warm-up, with ratios to the TF1 built-in and PyTorch (at its
fastest thread count), GFLOP/s and the fraction of a matmul ceiling measured in the same run.
Then static_rnn and the fast path pinned to one core, graph construction and first-step time
at T = 28, 100, 500, and seq2seq: legacy_seq2seq's ``embedding_attention_seq2seq`` training
step, and contrib.seq2seq greedy and beam (width 10, batch 64) decoding, each beside the same
model in PyTorch (``--seq2seq-only``). Last, issue 17's goals, met or not in this run.

    jobs.py       the models, paths and jobs, as data     timing.py   warm-up, timed blocks
    runner.py     one process per job (tf1_lstm.worlds), one after another, a line each
    tf1_graphs.py the TF1-world graphs (and the ceiling)  machine.py  CPU, versions, busyness
    keras_model.py / torch_model.py  the TF2 worlds       report.py   ratios, table, JSON
    goals.py      issue 17's goals from the rows          command.py  add_arguments, main
    seq2seq_tf1.py / seq2seq_torch.py  the seq2seq rows in the TF1 world and in PyTorch

This package's ``__init__`` imports nothing, and ``command`` no TensorFlow or PyTorch until it
runs (``tf1-lstm --help`` stays instant), so the worker modules of the TF2 worlds
(``keras_model``, ``torch_model``) do not reach the TF1 world through the package.
"""
