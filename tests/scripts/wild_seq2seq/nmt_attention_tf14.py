"""Attention NMT in the manner of the TF 1.4 - 1.8 NMT tutorial (tensorflow/nmt).

A BaseModel-like class built once per mode, each mode in its own tf.Graph() (train, infer),
hparams in tf.contrib.training.HParams, a tf.data iterator over text files with lookup_ops
vocab tables (padded_batch, make_initializable_iterator), embeddings made by tf.get_variable
under "embeddings/encoder" and "embeddings/decoder", a time-major encoder, scaled Luong (or
normed Bahdanau) attention over the transposed memory, AttentionWrapper(name="attention"),
TrainingHelper(time_major=True), dynamic_decode(output_time_major=True, swap_memory=True,
scope=decoder_scope), layers_core.Dense output projection applied after decoding, the loss
masked by tf.sequence_mask, tf.clip_by_global_norm, and a tf.train.Saver checkpoint restored
into the inference graph, which decodes with tile_batch + BeamSearchDecoder.

The toy corpus: a source "sentence" of digits; its translation is the digits reversed,
spelled as words ("3 1 4" -> "four one three").
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf
from tensorflow.python.ops import lookup_ops

from nmt_attention_tf14_model import AttentionModel

UNK = "<unk>"
SOS = "<s>"
EOS = "</s>"
UNK_ID = 0
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


# ---- data (nmt's vocab files and text corpora, made here) -----------------------------------

def translate(digits):
  return [WORDS[int(d)] for d in reversed(digits)]


def write_corpus(out_dir, rng, num_train, num_dev, min_len, max_len):
  def sentence():
    return [str(d) for d in rng.randint(0, 10, size=rng.randint(min_len, max_len + 1))]

  files = {}
  for name, vocab in (("src", [str(d) for d in range(10)]), ("tgt", WORDS)):
    files["vocab." + name] = os.path.join(out_dir, "vocab." + name)
    with open(files["vocab." + name], "w") as f:
      f.write("\n".join([UNK, SOS, EOS] + vocab) + "\n")
  seen = set()
  for prefix, size in (("train", num_train), ("dev", num_dev)):
    src, tgt = [], []
    while len(src) < size:
      s = sentence()
      if prefix == "dev" and " ".join(s) in seen:
        continue
      if prefix == "train":
        seen.add(" ".join(s))
      src.append(" ".join(s))
      tgt.append(" ".join(translate(s)))
    for suffix, lines in (("src", src), ("tgt", tgt)):
      files[prefix + "." + suffix] = os.path.join(out_dir, prefix + "." + suffix)
      with open(files[prefix + "." + suffix], "w") as f:
        f.write("\n".join(lines) + "\n")
  return files


def create_vocab_tables(src_vocab_file, tgt_vocab_file):
  src_vocab_table = lookup_ops.index_table_from_file(src_vocab_file, default_value=UNK_ID)
  tgt_vocab_table = lookup_ops.index_table_from_file(tgt_vocab_file, default_value=UNK_ID)
  return src_vocab_table, tgt_vocab_table


# ---- iterator_utils -------------------------------------------------------------------------

class BatchedInput(
    collections.namedtuple("BatchedInput",
                           ("initializer", "source", "target_input", "target_output",
                            "source_sequence_length", "target_sequence_length"))):
  pass


def get_iterator(src_dataset, tgt_dataset, src_vocab_table, tgt_vocab_table, batch_size,
                 sos, eos, random_seed, output_buffer_size=None):
  if not output_buffer_size:
    output_buffer_size = batch_size * 100
  src_eos_id = tf.cast(src_vocab_table.lookup(tf.constant(eos)), tf.int32)
  tgt_sos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(sos)), tf.int32)
  tgt_eos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(eos)), tf.int32)

  src_tgt_dataset = tf.data.Dataset.zip((src_dataset, tgt_dataset))
  src_tgt_dataset = src_tgt_dataset.shuffle(output_buffer_size, random_seed)
  src_tgt_dataset = src_tgt_dataset.map(
      lambda src, tgt: (tf.string_split([src]).values, tf.string_split([tgt]).values))
  src_tgt_dataset = src_tgt_dataset.filter(
      lambda src, tgt: tf.logical_and(tf.size(src) > 0, tf.size(tgt) > 0))
  src_tgt_dataset = src_tgt_dataset.map(
      lambda src, tgt: (tf.cast(src_vocab_table.lookup(src), tf.int32),
                        tf.cast(tgt_vocab_table.lookup(tgt), tf.int32)))
  # Create a tgt_input prefixed with <sos> and a tgt_output suffixed with <eos>.
  src_tgt_dataset = src_tgt_dataset.map(
      lambda src, tgt: (src, tf.concat(([tgt_sos_id], tgt), 0),
                        tf.concat((tgt, [tgt_eos_id]), 0)))
  src_tgt_dataset = src_tgt_dataset.map(
      lambda src, tgt_in, tgt_out: (src, tgt_in, tgt_out, tf.size(src), tf.size(tgt_in)))
  src_tgt_dataset = src_tgt_dataset.repeat()

  batched_dataset = src_tgt_dataset.padded_batch(
      batch_size,
      padded_shapes=(tf.TensorShape([None]), tf.TensorShape([None]), tf.TensorShape([None]),
                     tf.TensorShape([]), tf.TensorShape([])),
      # Pad the source and target sequences with eos tokens (we will not use them anyway).
      padding_values=(src_eos_id, tgt_eos_id, tgt_eos_id, 0, 0))
  batched_iter = batched_dataset.make_initializable_iterator()
  (src_ids, tgt_input_ids, tgt_output_ids, src_seq_len, tgt_seq_len) = batched_iter.get_next()
  return BatchedInput(initializer=batched_iter.initializer, source=src_ids,
                      target_input=tgt_input_ids, target_output=tgt_output_ids,
                      source_sequence_length=src_seq_len, target_sequence_length=tgt_seq_len)


def get_infer_iterator(src_dataset, src_vocab_table, batch_size, eos):
  src_eos_id = tf.cast(src_vocab_table.lookup(tf.constant(eos)), tf.int32)
  src_dataset = src_dataset.map(lambda src: tf.string_split([src]).values)
  src_dataset = src_dataset.map(lambda src: tf.cast(src_vocab_table.lookup(src), tf.int32))
  src_dataset = src_dataset.map(lambda src: (src, tf.size(src)))
  batched_dataset = src_dataset.padded_batch(
      batch_size, padded_shapes=(tf.TensorShape([None]), tf.TensorShape([])),
      padding_values=(src_eos_id, 0))
  batched_iter = batched_dataset.make_initializable_iterator()
  (src_ids, src_seq_len) = batched_iter.get_next()
  return BatchedInput(initializer=batched_iter.initializer, source=src_ids, target_input=None,
                      target_output=None, source_sequence_length=src_seq_len,
                      target_sequence_length=None)


# ---- train.py / inference.py ----------------------------------------------------------------

class TrainModel(collections.namedtuple("TrainModel", ("graph", "model", "iterator"))):
  pass


class InferModel(collections.namedtuple(
    "InferModel", ("graph", "model", "src_placeholder", "batch_size_placeholder",
                   "iterator"))):
  pass


def create_train_model(hparams, files, scope=None):
  graph = tf.Graph()
  with graph.as_default(), tf.container(scope or "train"):
    tf.set_random_seed(hparams.random_seed)
    src_vocab_table, tgt_vocab_table = create_vocab_tables(files["vocab.src"],
                                                           files["vocab.tgt"])
    src_dataset = tf.data.TextLineDataset(files["train.src"])
    tgt_dataset = tf.data.TextLineDataset(files["train.tgt"])
    iterator = get_iterator(src_dataset, tgt_dataset, src_vocab_table, tgt_vocab_table,
                            batch_size=hparams.batch_size, sos=hparams.sos, eos=hparams.eos,
                            random_seed=hparams.random_seed)
    model = AttentionModel(hparams, iterator=iterator,
                           mode=tf.contrib.learn.ModeKeys.TRAIN,
                           source_vocab_table=src_vocab_table,
                           target_vocab_table=tgt_vocab_table, scope=scope)
  return TrainModel(graph=graph, model=model, iterator=iterator)


def create_infer_model(hparams, files, scope=None):
  graph = tf.Graph()
  with graph.as_default(), tf.container(scope or "infer"):
    src_vocab_table, tgt_vocab_table = create_vocab_tables(files["vocab.src"],
                                                           files["vocab.tgt"])
    reverse_tgt_vocab_table = lookup_ops.index_to_string_table_from_file(
        files["vocab.tgt"], default_value=UNK)
    src_placeholder = tf.placeholder(shape=[None], dtype=tf.string)
    batch_size_placeholder = tf.placeholder(shape=[], dtype=tf.int64)
    src_dataset = tf.data.Dataset.from_tensor_slices(src_placeholder)
    iterator = get_infer_iterator(src_dataset, src_vocab_table,
                                  batch_size=batch_size_placeholder, eos=hparams.eos)
    model = AttentionModel(hparams, iterator=iterator,
                           mode=tf.contrib.learn.ModeKeys.INFER,
                           source_vocab_table=src_vocab_table,
                           target_vocab_table=tgt_vocab_table,
                           reverse_target_vocab_table=reverse_tgt_vocab_table, scope=scope)
  return InferModel(graph=graph, model=model, src_placeholder=src_placeholder,
                    batch_size_placeholder=batch_size_placeholder, iterator=iterator)


def get_translation(nmt_outputs, sent_id, tgt_eos):
  output = nmt_outputs[sent_id, :].tolist()
  if tgt_eos and tgt_eos in output:
    output = output[:output.index(tgt_eos)]
  return b" ".join(output).decode("utf-8")


def create_hparams(flags):
  return tf.contrib.training.HParams(
      src_vocab_size=13, tgt_vocab_size=13, num_units=flags.num_units, num_layers=1,
      forget_bias=1.0, dropout=0.0, init_weight=0.1, random_seed=flags.random_seed,
      time_major=True, attention=flags.attention, output_attention=True,
      pass_hidden_state=True, learning_rate=flags.learning_rate, max_gradient_norm=5.0,
      batch_size=flags.batch_size, num_train_steps=flags.num_train_steps,
      steps_per_stats=flags.steps_per_stats, num_keep_ckpts=2, beam_width=flags.beam_width,
      length_penalty_weight=flags.length_penalty_weight, sos=SOS, eos=EOS)


def main(flags):
  own_dir = flags.out_dir is None
  out_dir = flags.out_dir or tempfile.mkdtemp(prefix="nmt_attention_")
  rng = np.random.RandomState(flags.random_seed)
  files = write_corpus(out_dir, rng, num_train=3000, num_dev=200, min_len=3, max_len=7)
  hparams = create_hparams(flags)

  # --- train
  train_model = create_train_model(hparams, files)
  train_sess = tf.Session(graph=train_model.graph)
  with train_model.graph.as_default():
    train_sess.run(tf.global_variables_initializer())
    train_sess.run(tf.tables_initializer())
  train_sess.run(train_model.iterator.initializer)
  losses = []
  start_time = time.time()
  global_step = 0
  while global_step < hparams.num_train_steps:
    (_, step_loss, global_step, grad_norm) = train_model.model.train(train_sess)
    losses.append(step_loss)
    if global_step % hparams.steps_per_stats == 0:
      print("  global step %d loss %.4f gN %.2f time %.1fs" % (
          global_step, step_loss, grad_norm, time.time() - start_time))
  with train_model.graph.as_default():
    trained = train_sess.run(dict((var.op.name, var) for var in tf.global_variables()))
  train_model.model.saver.save(train_sess, os.path.join(out_dir, "translate.ckpt"),
                               global_step=global_step)
  train_sess.close()

  # --- infer, in a new graph: only the checkpoint carries the weights over
  infer_model = create_infer_model(hparams, files)
  infer_sess = tf.Session(graph=infer_model.graph)
  latest_ckpt = tf.train.latest_checkpoint(out_dir)
  with infer_model.graph.as_default():
    infer_model.model.saver.restore(infer_sess, latest_ckpt)
    infer_sess.run(tf.tables_initializer())
    restored = infer_sess.run(dict((var.op.name, var) for var in tf.global_variables()))
  mismatched = [name for name, value in restored.items()
                if name not in trained or not np.array_equal(value, trained[name])]
  print("restored %d variables from %s" % (len(restored), os.path.basename(latest_ckpt)))

  with open(files["dev.src"]) as f:
    infer_data = [line.strip() for line in f]
  with open(files["dev.tgt"]) as f:
    references = [line.strip() for line in f]
  infer_sess.run(infer_model.iterator.initializer,
                 feed_dict={infer_model.src_placeholder: infer_data,
                            infer_model.batch_size_placeholder: len(infer_data)})
  sample_words = infer_sess.run(infer_model.model.sample_words)  # [T, B, beam]
  nmt_outputs = sample_words.transpose()  # [beam, B, T]
  nmt_outputs = nmt_outputs[0]  # get the top translation
  translations = [get_translation(nmt_outputs, i, EOS.encode("utf-8"))
                  for i in range(len(infer_data))]
  infer_sess.close()
  for src, translation in list(zip(infer_data, translations))[:5]:
    print("    src: %s\n    nmt: %s" % (src, translation))
  accuracy = np.mean([t == r for t, r in zip(translations, references)])

  if own_dir:
    shutil.rmtree(out_dir, ignore_errors=True)
  print("first loss: %.4f" % np.mean(losses[:10]))
  print("last loss: %.4f" % np.mean(losses[-10:]))
  print("beam search accuracy: %.4f" % accuracy)
  if mismatched or not restored:
    sys.exit("CHECK FAILED: the inference graph did not restore the trained variables: %s"
             % mismatched)
  if not np.mean(losses[-10:]) < 0.2 * np.mean(losses[:10]):
    sys.exit("CHECK FAILED: the loss did not fall (%.3f -> %.3f)"
             % (np.mean(losses[:10]), np.mean(losses[-10:])))
  if not accuracy >= flags.accuracy_bar:
    sys.exit("CHECK FAILED: held-out beam search accuracy %.3f < %.2f"
             % (accuracy, flags.accuracy_bar))
  print("CHECK OK")


if __name__ == "__main__":
  nmt_parser = argparse.ArgumentParser()
  nmt_parser.add_argument("--out_dir", type=str, default=None)
  nmt_parser.add_argument("--attention", type=str, default="scaled_luong",
                          help="scaled_luong | normed_bahdanau")
  nmt_parser.add_argument("--num_units", type=int, default=32)
  nmt_parser.add_argument("--batch_size", type=int, default=64)
  nmt_parser.add_argument("--learning_rate", type=float, default=0.01)
  nmt_parser.add_argument("--num_train_steps", type=int, default=130)
  nmt_parser.add_argument("--steps_per_stats", type=int, default=25)
  nmt_parser.add_argument("--beam_width", type=int, default=3)
  nmt_parser.add_argument("--length_penalty_weight", type=float, default=1.0)
  nmt_parser.add_argument("--random_seed", type=int, default=7)
  nmt_parser.add_argument("--accuracy_bar", type=float, default=0.8)
  FLAGS, unparsed = nmt_parser.parse_known_args()
  main(FLAGS)
