"""Port a TF1 RNN checkpoint to Keras 3, PyTorch or ONNX, and prove the port computes the same.

One concept a module, in the order the data flows through ``tf1-lstm port``:

    checkpoint.py      read a TF1 checkpoint into NumPy (no graph; either world)
    eras.py            TF 0.x / 1.0-1.1 names (and the old block cells') read as TF 1.2+'s
    cudnn_view.py      tf.contrib.cudnn_rnn layers read as the cells they save
    cudnn_refusals.py  ... and what of them the port cannot write (relu), refused
    cudnn_sizes.py     ... and a lone opaque buffer's sizes (--cudnn, the .meta, its length)
    cell_options.py    what old block cells' names leave open: peepholes, cell_clip
    tf1_rnn.py         find the cells' variables by name and shape: Tf1Rnn and its layers
    stacks.py          which cells make one RNN: stacks, bidirectional pairs, --scope
    embedding.py       the embedding in front, by name (or the graph's lookup)
    dense_head.py      the [H, n_classes] head on top, by shape and naming convention
    graph_facts.py     the .meta graph beside it: forget_bias, cell_clip, layer order (tied
                       stacks), what the logits read
    head_input.py      what the head reads (last output, every step, both final states),
                       decided by the graph's logits
    model_facts.py     the model to write: the checkpoint's cells + the graph's facts, or
                       the assumptions, each said
    inventory.py       every checkpoint variable: ported, or why not
    layouts.py         gate order, forget_bias folded, kernels split, transposed (pure NumPy)
    worlds.py          the port's side of the one bridge (tf1_lstm.worlds): its TF2-world target
    keras_target.py    Keras 3 model: build, write (.keras / .weights.h5), reload, run
    keras_lstm_cell.py TF1's LSTMCell (peepholes, projection, clip) as a Keras 3 cell
    keras_layer_norm.py  TF1's LayerNormBasicLSTMCell as a Keras 3 cell
    torch_standalone.py  the PyTorch model file written beside the weights (plain PyTorch:
                       nn.LSTM / nn.RNN / nn.GRU, TF1's GRU, LSTMCell and layer-norm LSTM
                       written out, nn.Embedding, nn.Linear)
    onnx_layout.py     TF1 weights -> the ONNX LSTM / GRU / RNN operators' inputs
    onnx_target.py     the ONNX graph: build from the arrays, write, run with ONNX Runtime
    torch_target.py    the weights into it, saved, loaded back with its load(), run
    source_tf1.py      the TF1 world's side of the proof: the real TF1 cells on the same input
    graph_proof.py     ... and the checkpoint's own graph, restored and fed the same input
    proof.py           max |diff| per output and state, tolerance 1e-5
    files.py           the output file: checked first, staged, published atomically
    command.py         ``tf1-lstm port``: add_arguments / main
    ckpt_command.py    ``tf1-lstm ckpt ls | upgrade``

Importing this package (or ``command``) imports no TensorFlow, Keras or PyTorch.
"""
