"""Port a TF1 LSTM checkpoint to Keras 3 or PyTorch, and prove the port computes the same.

One concept a module, in the order the data flows through ``tf1-lstm port``:

    checkpoint.py      read a TF1 checkpoint into NumPy (no graph; either world)
    tf1_rnn.py         find the cells' variables by name and shape: Tf1Rnn and its layers
    dense_head.py      the [H, n_classes] head on top, by shape and naming convention
    graph_facts.py     the .meta graph beside it: forget_bias, layer order (tied stacks), what
                       the logits read
    model_facts.py     the model to write: the checkpoint's cells + the graph's facts, or
                       the assumptions, each said
    inventory.py       every checkpoint variable: ported, or why not
    refusals.py        what a target cannot represent exactly, refused with the alternative
    layouts.py         gate order, forget_bias folded, kernels split, transposed (pure NumPy)
    worlds.py          the port's side of the one bridge (tf1_lstm.worlds): its TF2-world target
    keras_target.py    Keras 3 model: build, write (.keras / .weights.h5), reload, run
    keras_peephole.py  TF1's peephole LSTMCell as a Keras 3 cell
    torch_standalone.py  the PyTorch model file written beside the weights (plain PyTorch:
                       nn.LSTM / nn.RNN, TF1's GRU and peephole LSTM written out, nn.Linear)
    torch_target.py    the weights into it, saved, loaded back with its load(), run
    source_tf1.py      the TF1 world's side of the proof: the real TF1 cells on the same input
    graph_proof.py     ... and the checkpoint's own graph, restored and fed the same input
    proof.py           max |diff| per output and state, tolerance 1e-5
    files.py           the output file: checked first, staged, published atomically
    command.py         ``tf1-lstm port``: add_arguments / main

Importing this package (or ``command``) imports no TensorFlow, Keras or PyTorch.
"""
