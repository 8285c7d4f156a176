"""Hand-written RNN cells: the documents' equations as raw TF1 ops, proven equal to TF's cells.

Document 003 points to people who wrote the LSTM by hand instead of using the built-in cell;
documents 000, 001 and 004 give the equations. Each file is one cell, its equations in the
docstring under the names the code uses, and its variables laid out exactly as the built-in
cell's, so one ``tf.train.Saver`` checkpoint restores into either:

    lstm.py       HandLSTMCell           == BasicLSTMCell           (basic_lstm_cell/)
                  whole_sequence, stacked_whole_sequence: input projection up front
    peephole.py   HandPeepholeLSTMCell   == LSTMCell(use_peepholes=True)   (lstm_cell/)
    gru.py        HandGRUCell            == GRUCell                 (gru_cell/)
    basic_rnn.py  HandBasicRNNCell       == BasicRNNCell            (basic_rnn_cell/)
    reference.py  the same equations in float64 NumPy (no TensorFlow): run_rnn, *_step
    kinds.py      the cell vocabulary every command shares (no TensorFlow): the kinds lstm,
                  peephole, gru, rnn, their TF1 classes, scopes, gate blocks and states

Each cell is an ``RNNCell`` (TF1 graph mode) that ``static_rnn``, ``dynamic_rnn`` and
``MultiRNNCell`` accept. ``tf1-lstm verify`` (``tf1_lstm.verify``) measures all three
implementations against each other.

    hand.py       make_hand_cell(kind, units): the hand-written twin of models.cells.make_cell
    base.py       HandCell, and create_cell_variables: a cell's variables, named as a step
                  names them, for functions that run a whole sequence without calling it

This package's ``__init__`` imports nothing: ``tf1_lstm.cells.kinds`` and
``tf1_lstm.cells.reference`` stay importable without TensorFlow (the TF2 world uses them),
and the cells are imported from their own modules (``from tf1_lstm.cells.lstm import
HandLSTMCell``), so every module's dependencies are visible in its imports.
"""
