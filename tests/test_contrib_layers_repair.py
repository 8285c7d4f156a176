"""The tf_slim repair on TF 2.21: what it restores is exactly what tf_slim reads and TF lacks.

A walk over the source of every tf_slim module lists each ``module_global.name`` read where
the global is a TensorFlow module. Seen through the real TF modules, the reads that fail are
exactly the names ``RESTORED_NAMES`` gives back (each restoration is needed, none is
missing); seen through tf_slim's globals after the repair, none fails. TensorFlow's own
modules are left as they are.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest
import tf_slim
from tensorflow.python.framework import ops as tf_ops
from tensorflow.python.layers import normalization as tf_normalization

import tf1_lstm.contrib.layers as layers
from tf1_lstm.compat import tf
from tf1_lstm.contrib.slim_repair import (
    RESTORED_NAMES,
    ModuleWithRestoredNames,
    repair_tf_slim,
    tf_slim_modules,
)


def _has(module, name: str) -> bool:
    try:
        return hasattr(module, name)
    except ImportError:  # a lazy TF module whose target is gone
        return False


def _tf_module(value) -> types.ModuleType | None:
    """The TF module a global stands for (through a stand-in), or None."""
    original = getattr(value, "__wrapped__", value)
    if isinstance(original, types.ModuleType) and original.__name__.startswith("tensorflow"):
        return original
    return None


def failing_reads(through_stand_ins: bool) -> set[tuple[str, str, str]]:
    """(tf_slim module, TF module, name) for each first failing ``global.name`` read.

    With through_stand_ins the reads go to tf_slim's globals as they are now; without, to
    the real TF modules those globals stand for.
    """
    failing = set()
    for module in tf_slim_modules():
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
                continue
            value = vars(module).get(node.value.id)
            tf_module = _tf_module(value)
            if tf_module is None:
                continue
            seen = value if through_stand_ins else tf_module
            if not _has(seen, node.attr):
                failing.add((module.__name__, tf_module.__name__, node.attr))
    return failing


def test_the_names_tf_2_21_lacks_are_exactly_the_restored_ones():
    lacking = {(tf_module, name) for _, tf_module, name in failing_reads(False)}
    restored = {(tf_module, name) for tf_module, names in RESTORED_NAMES.items()
                for name in names}
    assert lacking == restored


def test_the_reads_that_fail_today_are_in_the_modules_the_users_call():
    readers = {reader for reader, _, _ in failing_reads(False)}
    assert readers == {
        "tf_slim.layers.optimizers", "tf_slim.layers.layers", "tf_slim.layers.utils",
        "tf_slim.layers.rev_block_lib", "tf_slim.ops.variables", "tf_slim.learning",
        "tf_slim.training.training", "tf_slim.metrics.metric_ops",
        "tf_slim.metrics.histogram_ops", "tf_slim.losses.metric_learning",
        "tf_slim.data.tfexample_decoder"}


def test_after_the_repair_every_read_of_every_tf_slim_module_resolves():
    assert failing_reads(True) == set()


@pytest.mark.parametrize(("tf_module", "name"), [
    (module, name) for module, names in RESTORED_NAMES.items() for name in names])
def test_each_restored_name_is_gone_from_tf_2_21_and_is_tf1s_object(tf_module, name):
    assert not _has(sys.modules[tf_module], name)
    expected = {"Tensor": tf.Tensor, "IndexedSlices": tf.IndexedSlices, "stack": tf.stack,
                "unstack": tf.unstack, "cond": tf.cond, "case": tf.case,
                "while_loop": tf.while_loop, "Assert": tf.Assert, "variable": tf.Variable,
                "BatchNormalization": tf.layers.BatchNormalization}
    assert RESTORED_NAMES[tf_module][name] is expected[name]


def test_tensorflow_itself_is_not_changed():
    assert not hasattr(tf_ops, "Tensor")
    with pytest.raises(ModuleNotFoundError, match="tf_keras.legacy_tf_layers"):
        tf_normalization.BatchNormalization  # noqa: B018 - TF 2.21's own lazy import, broken
    assert sys.modules["tensorflow.python.framework.ops"] is tf_ops


def test_a_stand_in_is_the_tf_module_plus_the_restored_names():
    stand_in = sys.modules["tf_slim.layers.optimizers"].ops
    assert isinstance(stand_in, ModuleWithRestoredNames)
    assert stand_in.__wrapped__ is tf_ops
    assert stand_in.Tensor is tf.Tensor
    assert stand_in.convert_to_tensor is tf_ops.convert_to_tensor
    assert stand_in.GraphKeys is tf_ops.GraphKeys
    with pytest.raises(AttributeError):
        stand_in.no_such_name  # noqa: B018


def test_the_repair_is_idempotent_and_keeps_tf_slims_function_objects():
    fully_connected = tf_slim.fully_connected
    assert repair_tf_slim() == []
    importlib.reload(layers)
    assert repair_tf_slim() == []
    assert layers.fully_connected is fully_connected
    assert fully_connected is sys.modules["tf_slim.layers.layers"].fully_connected
    # not a stand-in of a stand-in
    assert sys.modules["tf_slim.layers.optimizers"].ops.__wrapped__ is tf_ops
