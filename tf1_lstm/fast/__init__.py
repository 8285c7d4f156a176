"""The fast path: TF1's LSTM and GRU cells' math and variables, a faster TF1 graph, still graph
mode.

    from tf1_lstm.fast.cell import FastLSTMCell
    from tf1_lstm.fast.gru import FastGRUCell
    from tf1_lstm.fast.rnn import dynamic_rnn, static_rnn
    cell = FastLSTMCell(128)                           # instead of rnn.BasicLSTMCell(128)
    outputs, states = static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)
    outputs, states = dynamic_rnn(rnn.MultiRNNCell([...FastLSTMCells...]), X, dtype=...)
    outputs, state = static_rnn(FastGRUCell(128), ...)  # instead of rnn.GRUCell(128)

    cell.py       FastLSTMCell: BasicLSTMCell's variables (checkpoints interchange), and
                  FastPeepholeLSTMCell: LSTMCell's (peepholes or not); under rnn.static_rnn /
                  tf.nn.dynamic_rnn they run the proven hand-written steps
    gru.py        FastGRUCell: GRUCell's variables, likewise
    rnn.py        static_rnn, dynamic_rnn: TF1's signatures and outputs/states contract,
                  the batch cut into shards that run on separate cores (a MultiRNNCell
                  may mix LSTM and GRU layers)
    bidirectional.py  bidirectional_dynamic_rnn, static_bidirectional_rnn: one fast call a way
    sequence.py   one LSTM layer over a whole sequence, its backward pass written by hand
    fused.py      its step's elementwise math as one C++ op (kernels/*.cc), built once per
                  machine; TensorFlow ops where it cannot be built
    gru_sequence.py  one GRU layer likewise
    errors.py     FastPathError: what the fast path cannot run, and what to change

``tf1-lstm run --fast`` serves an unmodified script's calls by these (``legacy.fast_calls``).

Equality with BasicLSTMCell, LSTMCell and GRUCell (outputs, states, gradients, from one
checkpoint) is tested in ``tests/test_fast_*.py``; the speed is measured by
``tf1-lstm bench`` (BENCHMARKS.md).

This package's ``__init__`` imports nothing (so importing it imports no TensorFlow): the
names are imported from their own modules, as above, so every module's dependencies are
visible in its imports.
"""
