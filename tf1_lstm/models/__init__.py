"""The documents' models, one builder each, shared by the demo, the tests, claims and benchmarks.

    static_rnn_mnist.py      document 002: BasicLSTMCell(128), static_rnn over unstack, Adam
    stacked_lstm_mnist.py    document 001: 3 x BasicLSTMCell(150), MultiRNNCell, dynamic_rnn
    transpose_split_mnist.py document 000: BasicLSTMCell(28), transpose-split, RMSProp
    static_rnn_inputs.py     the two routes from [B, T, I] to static_rnn's list (000, 002)

Every builder takes its LSTM and its training step as parameters, the document's own by
default: ``cell`` (a kind, or a cell factory: ``cells.py``), ``unroll`` (``unrollers.py``:
static_rnn over unstack, dynamic_rnn, the whole-sequence functions) and ``train_op`` (an
optimizer, or a function loss -> train op: ``train_ops.py``). ``tf1-lstm bench`` builds each
path's graph this way, and the claims pass their own training steps.

Every builder works in the TF1 world: import ``tf1_lstm.compat`` first (the builders do).
"""
