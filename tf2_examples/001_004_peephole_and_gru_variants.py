"""Documents 001 and 004's peephole LSTM and GRU stacks in TF2 / Keras 3 (MNIST classifier).

Side by side with legacy_examples/001_004_peephole_and_gru_variants.py:

    TF1                                                 Keras 3
    LSTMCell(150, use_peepholes=True)         layers.RNN(TF1LSTMCell(150, use_peepholes=True)):
                                                peephole LSTM; tf1_lstm ships this small cell
                                                (tf1_lstm/port/keras_lstm_cell.py)
    GRUCell(150)                              layers.GRU(150, reset_after=False): TF1's GRU (the
                                                reset gate BEFORE the candidate's matmul, one bias).
                                                Keras' default, reset_after=True, is PyTorch's GRU:
                                                another model, with 2 biases (more parameters)
    MultiRNNCell([...] * 3), dynamic_rnn      three stacked layers, return_sequences=True
    states[-1] (GRU) / states[-1][1] (LSTM)   the top layer's output (its last h)

Parameters of one layer with n units and i inputs, the document's formulas:
    LSTM 4 * (n * (i + n) + n);  peephole LSTM + 3n;  GRU (reset_after=False) 3 * (n * (i + n) + n)

Run:  python tf2_examples/001_004_peephole_and_gru_variants.py [--cell peephole|gru|both]
                                                               [--epochs N] [--quick]
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: quiet C++ logs

import keras  # noqa: E402

from tf1_lstm.data.mnist import read_data_sets  # noqa: E402  (NumPy only: no TensorFlow)
from tf1_lstm.port.keras_lstm_cell import TF1LSTMCell  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--cell", choices=["peephole", "gru", "both"], default="both")
parser.add_argument("--epochs", type=int, default=5, help="epochs per stack (default 5, as TF1)")
parser.add_argument("--quick", action="store_true",
                    help="a smoke run for the tests: 2 epochs on 1,000 digits, checks > 0.20")
args = parser.parse_args()
n_epochs, min_accuracy = (2, 0.20) if args.quick else (args.epochs, 0.70)

n_steps, n_inputs, n_neurons, n_outputs, n_layers = 28, 28, 150, 10, 3
learning_rate, batch_size = 0.001, 150
keras.utils.set_random_seed(42)

mnist = read_data_sets("/tmp/data/", seed=42)
X_train = mnist.train.images.reshape((-1, n_steps, n_inputs))
y_train = mnist.train.labels
if args.quick:
    X_train, y_train = X_train[:1000], y_train[:1000]
X_test = mnist.test.images.reshape((-1, n_steps, n_inputs))


def recurrent_layer(kind, last):
    options = {"return_sequences": not last}
    if kind == "basic":
        return keras.layers.LSTM(n_neurons, **options)
    if kind == "peephole":
        return keras.layers.RNN(TF1LSTMCell(n_neurons, use_peepholes=True), **options)
    if kind == "gru":
        return keras.layers.GRU(n_neurons, reset_after=False, **options)
    raise ValueError(kind)


def build_model(kind):
    model = keras.Sequential(
        [keras.Input((n_steps, n_inputs))]
        + [recurrent_layer(kind, last=layer == n_layers - 1) for layer in range(n_layers)]
        + [keras.layers.Dense(n_outputs, name="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def recurrent_params(model):
    return sum(layer.count_params() for layer in model.layers if layer.name != "softmax")


def expected_lstm_params(n, i):
    return 4 * (n * (i + n) + n)


basic_params = recurrent_params(build_model("basic"))
formula = sum(expected_lstm_params(n_neurons, i) for i in [n_inputs] + [n_neurons] * (n_layers - 1))
print(f"LSTM stack: {basic_params} recurrent parameters (formula: {formula})")

kinds = ["peephole", "gru"] if args.cell == "both" else [args.cell]
results = {}
for kind in kinds:
    model = build_model(kind)
    print(f"== {kind} stack: {recurrent_params(model)} recurrent parameters ==")
    model.fit(X_train, y_train, batch_size=batch_size, epochs=n_epochs, verbose=2)
    _, acc_test = model.evaluate(X_test, mnist.test.labels, verbose=0)
    results[kind] = (recurrent_params(model), acc_test)
    print(f"{kind}: test accuracy {acc_test:.4f}")

print()
print(f"{'stack (3 x 150 units)':22} {'parameters':>12} {'vs LSTM':>14} {'test acc':>10}")
print(f"{'LSTM':22} {basic_params:12d} {'1.0000':>14} {'-':>10}")
for kind in kinds:
    params, acc = results[kind]
    print(f"{kind:22} {params:12d} {params / basic_params:14.4f} {acc:10.4f}")

# ---- self-check -------------------------------------------------------------------------
problems = []
if basic_params != formula:
    problems.append(f"the LSTM stack has {basic_params} parameters, not the formula's {formula}")
if "peephole" in results and results["peephole"][0] - basic_params != 3 * n_neurons * n_layers:
    problems.append(f"peepholes add {results['peephole'][0] - basic_params} parameters, "
                    f"expected 3 * n * layers = {3 * n_neurons * n_layers}")
if "gru" in results and 4 * results["gru"][0] != 3 * basic_params:
    problems.append(f"GRU has {results['gru'][0]} parameters, expected exactly 3/4 of "
                    f"{basic_params}")
for kind, (_, acc) in sorted(results.items()):
    if acc < min_accuracy:
        problems.append(f"{kind} test accuracy {acc:.4f} below {min_accuracy:.2f}")
if problems:
    sys.exit("CHECK FAILED: " + "; ".join(problems))
summary = ", ".join(f"{k} {results[k][0]} params acc {results[k][1]:.4f}" for k in kinds)
print(f"CHECK OK: {summary}; peephole = LSTM + 3n per layer, GRU = 3/4 LSTM; test accuracy > "
      f"{min_accuracy:.2f} after {n_epochs} epochs each")
