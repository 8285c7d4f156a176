"""TF1's LayerNormBasicLSTMCell in float64 NumPy, and the TF2-world task that runs its targets.

The reference is TF 1.15's ``contrib/rnn/python/ops/rnn_cell.py`` read as equations (gate
order i, j, f, o; ``contrib.layers.layer_norm`` over the last axis with
``variance_epsilon = 1e-12`` and ``nn.moments``' variance, divided by the depth)::

    i, j, f, o = split([x, h] @ kernel (+ bias), 4)       # bias only when not layer_norm
    i, j, f, o = LN(i), LN(j), LN(f), LN(o)               # scopes input, transform, forget, output
    c = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)
    c = LN(c)                                             # scope state
    h = tanh(c) * sigmoid(o)
    LN(z) = (z - mean(z)) / sqrt(var(z) + 1e-12) * gamma + beta

``run_task`` is started by ``tf1_lstm.worlds`` in the TF2 world (Keras 3, PyTorch): it loads
the arrays into ``tf1_lstm.port.keras_layer_norm.LayerNormLSTMCell`` and
``tf1_lstm.port.torch_standalone.TF1LayerNormLSTM`` by name, runs them, saves and reloads the
Keras model, and sends the numbers back. This module imports only NumPy at the top, so both
worlds can import it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

WORLD = "tf2"  # for run_task, started by tf1_lstm.worlds.WorldProcess("tf2", ...)
EPSILON = 1e-12  # contrib.layers.layer_norm's variance_epsilon (1e-3 only for float16)
NORMALISED = ("input", "transform", "forget", "output", "state")  # TF1's scopes, its order


def tf1_names(layer_norm: bool) -> list[str]:
    """The variables a LayerNormBasicLSTMCell creates under its scope, in TF 1.15's order:
    ``_linear``'s kernel (and bias without LN), then ``_norm``'s gamma, beta per scope."""
    if not layer_norm:
        return ["kernel", "bias"]
    return ["kernel", *(f"{scope}/{part}" for scope in NORMALISED for part in ("gamma", "beta"))]


def target_name(tf1_name: str) -> str:
    """The port's name for a TF1 array: ``input/gamma`` -> ``input_gamma``."""
    return tf1_name.replace("/", "_")


def random_weights(layer_norm: bool, input_size: int, units: int,
                   rng: np.random.Generator) -> dict[str, np.ndarray]:
    """TF1-named float64 arrays, none of them at its initial value (gammas around 1)."""
    shapes = {"kernel": (input_size + units, 4 * units), "bias": (4 * units,)}
    weights = {}
    for name in tf1_names(layer_norm):
        centre = 1.0 if name.endswith("gamma") else 0.0
        weights[name] = centre + rng.normal(scale=0.5, size=shapes.get(name, (units,)))
    return weights


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def normalise(z: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Layer norm over the last axis, the textbook way (not TF1's batch_normalization form)."""
    mean = z.mean(-1, keepdims=True)
    variance = ((z - mean) ** 2).mean(-1, keepdims=True)  # population variance
    return (z - mean) / np.sqrt(variance + EPSILON) * gamma + beta


def step(weights: dict, x, c, h, forget_bias: float, layer_norm: bool):
    """One step: (new_c, new_h), each [B, H], from x [B, I] and the state c, h [B, H]."""
    w = {name: np.asarray(value, np.float64) for name, value in weights.items()}
    z = np.concatenate([x, h], 1).astype(np.float64) @ w["kernel"]  # [B, 4H]
    if not layer_norm:
        z = z + w["bias"]
    i, j, f, o = np.split(z, 4, axis=1)
    if layer_norm:
        i, j, f, o = (normalise(gate, w[f"{scope}/gamma"], w[f"{scope}/beta"])
                      for gate, scope in zip((i, j, f, o), NORMALISED[:4], strict=True))
    new_c = np.asarray(c, np.float64) * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
    if layer_norm:
        new_c = normalise(new_c, w["state/gamma"], w["state/beta"])
    return new_c, np.tanh(new_c) * sigmoid(o)


def run(weights: dict, x: np.ndarray, forget_bias: float, layer_norm: bool):
    """x [B, T, I] from a zero state -> (outputs [B, T, H], (c, h)), as dynamic_rnn gives."""
    units = weights["kernel"].shape[1] // 4
    c = h = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        c, h = step(weights, x[:, t], c, h, forget_bias, layer_norm)
        outputs.append(h)
    return np.stack(outputs, 1), (c, h)


# ---- the TF2-world side ---------------------------------------------------------------------

def run_task(request: dict, arrays: dict) -> tuple[dict, dict]:
    """Each case through the Keras 3 cell (run, saved, loaded, run) and the torch module."""
    try:
        import torch  # noqa: F401 - optional, as for the port
        torch_installed = True
    except ModuleNotFoundError:
        torch_installed = False
    result = {"keras": {}, "torch": {} if torch_installed else None}
    out = {}
    for case in request["cases"]:
        name = case["name"]
        x = arrays[f"{name}.x"]
        weights = {key.split(".", 2)[2]: value for key, value in arrays.items()
                   if key.startswith(f"{name}.w.")}  # target names: kernel, input_gamma, ...
        result["keras"][name] = _run_keras(case, x, weights, Path(request["folder"]), out)
        if torch_installed:
            result["torch"][name] = _run_torch(case, x, weights, out)
    return result, out


def _run_keras(case: dict, x, weights: dict, folder: Path, out: dict) -> dict:
    import keras

    from tf1_lstm.port.keras_layer_norm import LayerNormLSTMCell

    name, dtype = case["name"], case["dtype"]
    cell = LayerNormLSTMCell(case["units"], forget_bias=case["forget_bias"],
                             layer_norm=case["layer_norm"], dtype=dtype)
    inputs = keras.Input(shape=x.shape[1:], dtype=dtype)
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True, dtype=dtype)
    model = keras.Model(inputs, layer(inputs))
    names = [variable.name for variable in cell.weights]
    unused = dict(weights)
    for variable in cell.weights:
        variable.assign(unused.pop(variable.name))
    if unused:
        raise KeyError(f"arrays the Keras cell has no weight for: {sorted(unused)}")
    path = folder / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    for prefix, runner in (("keras", model), ("keras_loaded", loaded)):
        outputs, h, c = (keras.ops.convert_to_numpy(t) for t in runner(x))
        out |= {f"{prefix}.{name}.outputs": outputs, f"{prefix}.{name}.h": h,
                f"{prefix}.{name}.c": c}
    loaded_cell = next(layer for layer in loaded.layers
                       if isinstance(layer, keras.layers.RNN)).cell
    config = loaded_cell.get_config()
    return {"weights": names, "loaded_class": type(loaded_cell).__name__,
            "loaded_config": {key: config[key] for key in ("units", "forget_bias", "layer_norm")}}


def _run_torch(case: dict, x, weights: dict, out: dict) -> dict:
    import torch

    from tf1_lstm.port.torch_standalone import TF1LayerNormLSTM

    name = case["name"]
    module = TF1LayerNormLSTM(x.shape[2], case["units"], layer_norm=case["layer_norm"],
                              forget_bias=case["forget_bias"]).to(getattr(torch, case["dtype"]))
    module.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    with torch.no_grad():
        outputs, (h, c) = module(torch.from_numpy(x))
    out |= {f"torch.{name}.outputs": outputs.numpy(), f"torch.{name}.h": h.numpy(),
            f"torch.{name}.c": c.numpy()}
    return {"parameters": list(module.state_dict())}
