"""LSTM regression trained under tf.train.MonitoredTrainingSession, configured by HParams.

In the manner of 2017-2018 research code (tensor2tensor / magenta style): hyper-parameters
in tf.contrib.training.HParams overridden from a --hparams string, the global step from
tf.contrib.framework.get_or_create_global_step(), and the loop left to
MonitoredTrainingSession with a checkpoint_dir and hooks: StopAtStepHook, NanTensorHook,
LoggingTensorHook, and a _LoggerHook of our own (SessionRunHook with before_run /
after_run, as cifar10_train.py had it) that records the loss. The task: predict the sum of
a sequence of numbers from an LSTM's final state.
"""
from __future__ import print_function

import argparse
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf


def default_hparams():
    return tf.contrib.training.HParams(
        num_units=32, learning_rate=0.01, batch_size=32, seq_length=8, train_steps=200,
        cell_type="lstm", clip_norm=5.0)


def input_batch(hparams):
    """Random sequences in [-1, 1] and their sums, made in the graph."""
    x = tf.random_uniform([hparams.batch_size, hparams.seq_length, 1], -1.0, 1.0, seed=4)
    y = tf.reduce_sum(x, axis=[1, 2])
    return x, y


def model_fn(x, hparams):
    if hparams.cell_type == "lstm":
        cell = tf.nn.rnn_cell.LSTMCell(hparams.num_units)
    else:
        cell = tf.nn.rnn_cell.GRUCell(hparams.num_units)
    _, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    h = state.h if hparams.cell_type == "lstm" else state
    return tf.squeeze(tf.layers.dense(h, 1), axis=1)


class _LoggerHook(tf.train.SessionRunHook):
    """Records the loss after every step."""

    def __init__(self, loss):
        self._loss = loss
        self.losses = []

    def begin(self):
        self._step = -1

    def before_run(self, run_context):
        self._step += 1
        return tf.train.SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        self.losses.append(run_values.results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hparams", type=str, default="num_units=24,train_steps=250")
    parser.add_argument("--train_dir", type=str, default=None)
    args = parser.parse_args()
    hparams = default_hparams()
    hparams.parse(args.hparams)
    print("hparams:", hparams.values())
    train_dir = args.train_dir or tempfile.mkdtemp(prefix="monitored_")

    with tf.Graph().as_default():
        tf.set_random_seed(4)
        global_step = tf.contrib.framework.get_or_create_global_step()
        x, y = input_batch(hparams)
        prediction = model_fn(x, hparams)
        loss = tf.losses.mean_squared_error(y, prediction)
        optimizer = tf.train.AdamOptimizer(hparams.learning_rate)
        grads, tvars = zip(*optimizer.compute_gradients(loss))
        grads, _ = tf.clip_by_global_norm(grads, hparams.clip_norm)
        train_op = optimizer.apply_gradients(zip(grads, tvars), global_step=global_step)

        logger = _LoggerHook(loss)
        hooks = [tf.train.StopAtStepHook(last_step=hparams.train_steps),
                 tf.train.NanTensorHook(loss),
                 tf.train.LoggingTensorHook({"step": global_step, "loss": loss},
                                            every_n_iter=50),
                 logger]
        with tf.train.MonitoredTrainingSession(checkpoint_dir=train_dir, hooks=hooks,
                                               save_summaries_steps=None,
                                               log_step_count_steps=0) as mon_sess:
            while not mon_sess.should_stop():
                mon_sess.run(train_op)
    checkpoint = tf.train.latest_checkpoint(train_dir)
    print("checkpoint:", checkpoint)
    if args.train_dir is None:
        shutil.rmtree(train_dir, ignore_errors=True)

    losses = logger.losses
    first, last = float(np.mean(losses[:5])), float(np.mean(losses[-20:]))
    print("steps run: %d" % len(losses))
    print("first loss: %.4f" % first)
    print("last loss: %.4f" % last)
    if len(losses) != hparams.train_steps:
        sys.exit("CHECK FAILED: StopAtStepHook stopped after %d steps, not %d"
                 % (len(losses), hparams.train_steps))
    if checkpoint is None or not checkpoint.endswith("-%d" % hparams.train_steps):
        sys.exit("CHECK FAILED: no final checkpoint written: %r" % checkpoint)
    if not last < 0.1 * first:
        sys.exit("CHECK FAILED: loss did not fall (%.4f -> %.4f)" % (first, last))
    print("CHECK OK")


if __name__ == "__main__":
    tf.logging.set_verbosity(tf.logging.INFO)
    main()
