"""Between-graph replication, synchronous: tf.train.SyncReplicasOptimizer over Adam.

Run one copy per task of a cluster of 1 ps and N workers, as async_replicas.py. The workers'
gradients go to accumulators on the ps; once ``replicas_to_aggregate`` of them are in, the
chief's queue runner applies their mean and bumps the global step once, then hands every
worker a token to start its next step. The task: a BasicLSTMCell reads 8 numbers in [0, 1]
and predicts their mean. Each worker prints its final global step and loss; the chief exits 1
if the loss did not fall.
"""
# ruff: noqa: UP010, UP031 - a period piece: 2017 code, %-formatting and __future__ included
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_string("job_name", None, "job name: worker or ps")
flags.DEFINE_integer("task_index", None, "index of the task within its job; 0 is the chief")
flags.DEFINE_string("ps_hosts", "localhost:2222", "comma-separated list of hostname:port pairs")
flags.DEFINE_string("worker_hosts", "localhost:2223,localhost:2224",
                    "comma-separated list of hostname:port pairs")
flags.DEFINE_integer("train_steps", 30, "number of (global) training steps to perform")
flags.DEFINE_integer("batch_size", 32, "training batch size")
flags.DEFINE_integer("num_steps", 8, "sequence length")
flags.DEFINE_integer("hidden_units", 16, "LSTM units")
flags.DEFINE_float("learning_rate", 0.02, "Adam learning rate")
FLAGS = flags.FLAGS


def mean_task_batch(rng, batch_size):
    x = rng.uniform(0.0, 1.0, size=(batch_size, FLAGS.num_steps, 1)).astype(np.float32)
    return x, x.mean(axis=1)


def build_model():
    x = tf.placeholder(tf.float32, [None, FLAGS.num_steps, 1], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    cell = tf.contrib.rnn.BasicLSTMCell(FLAGS.hidden_units)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    prediction = tf.layers.dense(state.h, 1, name="prediction")
    loss = tf.losses.mean_squared_error(y, prediction)
    return x, y, loss


def main(_):
    if not FLAGS.job_name or FLAGS.task_index is None:
        raise ValueError("Must specify an explicit --job_name and --task_index")
    ps_hosts = FLAGS.ps_hosts.split(",")
    worker_hosts = FLAGS.worker_hosts.split(",")
    cluster = tf.train.ClusterSpec({"ps": ps_hosts, "worker": worker_hosts})
    server = tf.train.Server(cluster, job_name=FLAGS.job_name, task_index=FLAGS.task_index,
                             protocol="grpc")
    if FLAGS.job_name == "ps":
        server.join()

    is_chief = FLAGS.task_index == 0
    num_workers = len(worker_hosts)
    with tf.device(tf.train.replica_device_setter(
            worker_device="/job:worker/task:%d" % FLAGS.task_index, cluster=cluster)):
        global_step = tf.train.get_or_create_global_step()
        x, y, loss = build_model()
        opt = tf.train.SyncReplicasOptimizer(
            tf.train.AdamOptimizer(FLAGS.learning_rate),
            replicas_to_aggregate=num_workers, total_num_replicas=num_workers)
        train_op = opt.minimize(loss, global_step=global_step)
    # num_tokens=0: no free tokens at the start, so every step waits for one gradient from
    # each worker. With the default (replicas_to_aggregate free tokens) the worker that
    # starts first takes them all and aggregates its own gradients: it can do every step
    # alone (here the chief made 61 local steps for 30 global ones, worker 1 none:
    # tensorflow/tensorflow#11753), and a worker still waiting for a token once the chief
    # is gone waits for ever (deepsense-ai/tensorflow_on_slurm#6, fixed by num_tokens=0).
    sync_hook = opt.make_session_run_hook(is_chief, num_tokens=0)

    for variable in tf.global_variables():
        print("Worker %d: variable %s on %s" % (FLAGS.task_index, variable.name,
                                                 variable.device))
    eval_x, eval_y = mean_task_batch(np.random.RandomState(1234), 256)
    eval_feed = {x: eval_x, y: eval_y}
    rng = np.random.RandomState(FLAGS.task_index)
    # Without the filter, a worker's session waits for every other worker's server.
    config = tf.ConfigProto(device_filters=["/job:ps", "/job:worker/task:%d" % FLAGS.task_index])
    hooks = [sync_hook, tf.train.StopAtStepHook(last_step=FLAGS.train_steps)]
    local_steps = 0
    # On close, the chief's queue runner is still blocked waiting for the next pair of
    # gradients; MonitoredTrainingSession would give it the default 120 s to stop
    # (tensorflow/tensorflow#13779) before closing the session, which cancels it.
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=is_chief,
                                           hooks=hooks, config=config,
                                           stop_grace_period_secs=2) as sess:
        print("Worker %d: session ready" % FLAGS.task_index)
        sys.stdout.flush()
        first_loss = sess.run(loss, feed_dict=eval_feed)
        while not sess.should_stop():
            batch_x, batch_y = mean_task_batch(rng, FLAGS.batch_size)
            sess.run(train_op, feed_dict={x: batch_x, y: batch_y})
            local_steps += 1
    # A MonitoredSession refuses to run once it should stop: read the shared state afresh.
    with tf.Session(server.target, config=config) as sess:
        final_step, final_loss = sess.run([global_step, loss], feed_dict=eval_feed)
    print("Worker %d: done: global_step=%d local_steps=%d first_loss=%.5f loss=%.5f"
          % (FLAGS.task_index, final_step, local_steps, first_loss, final_loss))
    if is_chief and not final_loss < first_loss:
        print("Worker 0: the loss did not fall (%.5f -> %.5f)" % (first_loss, final_loss))
        return 1
    return 0


if __name__ == "__main__":
    tf.app.run()
