"""tf_slim 1.1.0 on TensorFlow 2.21: the TensorFlow names it reads that TF 2.21 moved, given back.

tf_slim binds TensorFlow's private modules when it is imported
(``from tensorflow.python.framework import ops``) and reads names off them only when a
function runs, so ``import tf_slim`` works and the call fails later, e.g.
``slim.optimize_loss(...)`` -> "module 'tensorflow.python.framework.ops' has no attribute
'Tensor'". Every such read in tf_slim's source (found by ``tests/test_contrib_layers_repair.py``,
which walks all of tf_slim's modules) names one of these, and each still exists in TF 2.21
under another address, as the very object TF 1.15 had there:

    module tf_slim reads                     name            where TF 2.21 has it
    tensorflow.python.framework.ops          Tensor          tf.Tensor
                                             IndexedSlices   tf.IndexedSlices
    tensorflow.python.ops.array_ops          stack, unstack  tf.stack, tf.unstack
    tensorflow.python.ops.control_flow_ops   cond, case,     tf.compat.v1.cond, .case,
                                             while_loop,     .while_loop,
                                             Assert          .Assert
    tensorflow.python.ops.variable_scope     variable        tf.compat.v1.Variable
                                                             (TF 1.15: ``variable = VariableV1``)
    tensorflow.python.layers.normalization   BatchNormalization
                                                 tf.compat.v1.layers.BatchNormalization
                                             (TF 2.21's module lazily imports
                                             ``tf_keras.legacy_tf_layers``, which tf_keras 2.21
                                             has under ``tf_keras.src``, so the read raises
                                             ModuleNotFoundError)

Who reads them: ``optimize_loss`` and ``adaptive_clipping_fn`` (``ops.Tensor``,
``ops.IndexedSlices``), ``batch_norm`` (the core-layer path reads ``BatchNormalization``;
the other path reads ``ops.Tensor`` and ``control_flow_ops.cond`` through
``utils.smart_cond``), ``legacy_fully_connected`` on rank > 2 inputs (``array_ops.unstack``),
``local_variable`` / ``global_variable`` (``variable_scope.variable``), ``recompute_grad``
(``ops.Tensor``), and outside ``tf.contrib.layers``: ``slim.learning`` and
``slim.training`` (gradient clipping / multipliers), ``slim.metrics``, ``slim.losses``'
metric-learning losses and ``slim.data.tfexample_decoder``.

The repair is narrow: TensorFlow is not changed. In each tf_slim module (all of them are
imported first, ``tf_slim.nets`` included, so none is left half-repaired), a global that is
one of those TF modules is replaced by a ``ModuleWithRestoredNames``: a module object that
has the moved names and reads every other name from the TF module itself. Only the reads
tf_slim makes see the difference. ``repair_tf_slim()`` is idempotent: a global already
replaced is no longer the TF module, so a second call changes nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
import types

from tf1_lstm.bootstrap import tf  # the TF1 world before tf_slim loads TensorFlow

# isort: split
import tf_slim

# TF module -> {name tf_slim reads on it: the object TF 1.15 had under that name}.
RESTORED_NAMES: dict[str, dict[str, object]] = {
    "tensorflow.python.framework.ops": {
        "Tensor": tf.Tensor,
        "IndexedSlices": tf.IndexedSlices,
    },
    "tensorflow.python.ops.array_ops": {
        "stack": tf.stack,
        "unstack": tf.unstack,
    },
    "tensorflow.python.ops.control_flow_ops": {
        "cond": tf.cond,
        "case": tf.case,
        "while_loop": tf.while_loop,
        "Assert": tf.Assert,
    },
    "tensorflow.python.ops.variable_scope": {
        "variable": tf.Variable,
    },
    "tensorflow.python.layers.normalization": {
        "BatchNormalization": tf.layers.BatchNormalization,
    },
}


class ModuleWithRestoredNames(types.ModuleType):
    """A TF module as tf_slim expects it: the restored names, then the module's own."""

    def __init__(self, original: types.ModuleType, restored: dict[str, object]) -> None:
        super().__init__(original.__name__, original.__doc__)
        self.__wrapped__ = original
        self.restored_names = tuple(restored)
        vars(self).update(restored)

    def __getattr__(self, name: str):
        return getattr(self.__wrapped__, name)

    def __repr__(self) -> str:
        return (f"<{self.__wrapped__.__name__} with {', '.join(self.restored_names)} restored "
                "for tf_slim>")


def _restored_modules() -> dict[int, ModuleWithRestoredNames]:
    """id(TF module) -> its stand-in; the TF modules are imported (tf_slim imports them all)."""
    stand_ins = {}
    for module_name, restored in RESTORED_NAMES.items():
        original = importlib.import_module(module_name)
        stand_ins[id(original)] = ModuleWithRestoredNames(original, restored)
    return stand_ins


_STAND_INS = _restored_modules()


def tf_slim_modules() -> list[types.ModuleType]:
    """Every module of the tf_slim package but its tests (``*_test``, ``test_utils``), imported."""
    names = [info.name for info in pkgutil.walk_packages(tf_slim.__path__, "tf_slim.")
             if "test" not in info.name.rsplit(".", 1)[-1]]
    return [tf_slim, *(importlib.import_module(name) for name in names)]


def repair_tf_slim() -> list[str]:
    """Point the TF-module globals of every tf_slim module at their stand-ins.

    Returns the globals replaced by this call, as ``"tf_slim.module.global"`` (empty when
    everything was already repaired).
    """
    replaced = []
    for module in tf_slim_modules():
        for global_name, value in list(vars(module).items()):
            stand_in = _STAND_INS.get(id(value))
            if stand_in is not None and value is stand_in.__wrapped__:
                setattr(module, global_name, stand_in)
                replaced.append(f"{module.__name__}.{global_name}")
    return replaced
