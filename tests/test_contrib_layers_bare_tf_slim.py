"""What a TF1 user meets on TF 2.21: bare tf_slim 1.1.0 breaks, tf.contrib.layers does not.

Both run in fresh interpreters: one builds every call of ``test_contrib_layers.CALLS``
against bare tf_slim (nothing of ours imported, so nothing repaired) and fails exactly on the
calls the repair fixes and the names tf_slim lacks, with the errors users report; the other
runs an unmodified TF1 script through ``tf1-lstm run`` that uses those very calls.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import REPO, run_python

NO_TENSOR = "AttributeError: module 'tensorflow.python.framework.ops' has no attribute 'Tensor'"
NO_LEGACY_LAYERS = "ModuleNotFoundError: No module named 'tf_keras.legacy_tf_layers'"
NO_VARIABLE = ("AttributeError: module 'tensorflow.python.ops.variable_scope' has no "
               "attribute 'variable'")
BARE_TF_SLIM_FAILURES = {
    "batch_norm": NO_LEGACY_LAYERS,
    "batch_norm[fused=False, renorm]": NO_LEGACY_LAYERS,
    "conv2d[normalizer_fn=batch_norm]": NO_LEGACY_LAYERS,
    "batch_norm[updates_collections=None]": NO_TENSOR,
    "batch_norm[zero_debias_moving_mean]": NO_TENSOR,
    "optimize_loss": NO_TENSOR,
    "optimize_loss[lr tensor, Adam, decay, noise, multipliers]": NO_TENSOR,
    "optimize_loss[IndexedSlices]": NO_TENSOR,
    "adaptive_clipping_fn": NO_TENSOR,
    "recompute_grad": NO_TENSOR,
    "legacy_fully_connected": ("AttributeError: module 'tensorflow.python.ops.array_ops' has no "
                               "attribute 'unstack'"),
    "local_variable": NO_VARIABLE,
    "global_variable": NO_VARIABLE,
} | {name: f"AttributeError: module 'tf_slim' has no attribute '{name.split('[')[0]}'"
     for name in ["embed_sequence", "embed_sequence[unique]", "bow_encoder",
                  "embedding_lookup_unique", "safe_embedding_lookup_sparse"]}


def test_bare_tf_slim_fails_exactly_the_calls_the_repair_fixes_with_the_users_error():
    # Building is enough: tf_slim reads the moved names while it builds the graph.
    result = run_python(f"""
        import json, pathlib, sys, tempfile
        sys.path.insert(0, {str(REPO / "tests")!r})
        import tf_slim
        import test_contrib_layers as calls
        assert "tf1_lstm.contrib.layers" not in sys.modules
        workdir = pathlib.Path(tempfile.mkdtemp())
        print(json.dumps(calls.failing_calls(tf_slim, workdir, run=False)))
    """)
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(failures) == set(BARE_TF_SLIM_FAILURES)
    for name, message in failures.items():
        assert message.startswith(BARE_TF_SLIM_FAILURES[name]), (name, message)


def test_a_tf1_script_trains_with_contrib_layers_optimize_loss_batch_norm_and_embed_sequence(
        tmp_path):
    script = tmp_path / "legacy_nlp.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        ids = tf.placeholder(tf.int32, [None, 4])
        embedded = tf.contrib.layers.embed_sequence(ids, vocab_size=10, embed_dim=6)
        _, state = tf.nn.dynamic_rnn(tf.contrib.rnn.BasicLSTMCell(8), embedded,
                                     dtype=tf.float32)
        with slim.arg_scope([tf.contrib.layers.batch_norm], is_training=True):
            hidden = slim.batch_norm(state.h)
        logits = tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None)
        labels = tf.placeholder(tf.int32, [None])
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train = tf.contrib.layers.optimize_loss(
            loss, tf.train.get_or_create_global_step(), 0.05, "Adam", clip_gradients=5.0)
        data = np.random.RandomState(0).randint(1, 10, (32, 4))
        feed = {ids: data, labels: (data[:, 0] > 5).astype(np.int32)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss, feed)
            for _ in range(40):
                sess.run(train, feed)
            print(sess.run(loss, feed) < 0.5 * first,
                  [v.op.name for v in tf.model_variables()][:1])
    """))
    result = run_python("", "-m", "tf1_lstm", "run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['EmbedSequence/embeddings']"


@pytest.mark.parametrize("module", ["slim_repair", "encoders", "embedding_lookups"])
def test_each_new_contrib_module_can_be_the_first_import(module):
    result = run_python(f"""
        import tf1_lstm.contrib.{module}
        import tensorflow as tf
        print(tf.compat.v1.nn.rnn_cell.BasicLSTMCell.__module__.split(".")[0],
              tf.executing_eagerly())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tf_keras", "False"]
