"""Ported files loaded as a user loads them, in a process where ``tf1_lstm`` cannot be imported.

``logits_without_tf1_lstm({key: (file, target, x)})`` -> {key: logits}: a ``.keras`` file after
importing the modules the port wrote beside it, a ``.pt`` through the plain-PyTorch module
beside it (``load()``), a ``.onnx`` with ONNX Runtime; ids (integer x) as each one takes them.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
from conftest import run_python

LOADER = """
import importlib, importlib.util, json, sys
from pathlib import Path
sys.modules["tf1_lstm"] = None  # the ports load without tf1-lstm
import numpy as np, keras, onnxruntime, torch
logits = {}
for key, (path, target, x_path) in json.loads(sys.argv[1]).items():
    x = np.load(x_path)
    ids = x.dtype.kind == "i"
    if target == "onnx":
        session = onnxruntime.InferenceSession(path)
        logits[key] = session.run(["logits"], {"x": x.astype(np.int64) if ids else x})[0]
    elif target == "keras":  # the cells Keras 3 lacks: the modules written beside it
        sys.path.insert(0, str(Path(path).parent))
        for module in Path(path).parent.glob(Path(path).stem + "_*.py"):
            importlib.import_module(module.stem)
        logits[key] = keras.models.load_model(path)(x).numpy()
    else:
        spec = importlib.util.spec_from_file_location("m" + str(len(logits)),
                                                      path[:-len(".pt")] + ".py")
        standalone = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(standalone)
        with torch.no_grad():
            logits[key] = standalone.load(path)(
                torch.from_numpy(x.astype(np.int64) if ids else x)).numpy()
print(json.dumps({key: value.tolist() for key, value in logits.items()}))
"""


def logits_without_tf1_lstm(jobs: dict[str, tuple[Path, str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Each file's logits on its x, computed where tf1_lstm is not importable."""
    with tempfile.TemporaryDirectory() as folder:
        request = {}
        for k, (key, (path, target, x)) in enumerate(jobs.items()):
            np.save(Path(folder) / f"{k}.npy", x)
            request[key] = (str(path), target, str(Path(folder) / f"{k}.npy"))
        result = run_python(LOADER, json.dumps(request))
    assert result.returncode == 0, result.stderr[-3000:]
    return {key: np.array(value) for key, value in json.loads(result.stdout.splitlines()[-1])
            .items()}
