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
from tensorflow.python.layers import core as layers_core
from tensorflow.python.ops import lookup_ops

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


# ---- model_helper ---------------------------------------------------------------------------

def create_emb_for_encoder_and_decoder(src_vocab_size, tgt_vocab_size, src_embed_size,
                                       tgt_embed_size, dtype=tf.float32, scope=None):
  with tf.variable_scope(scope or "embeddings", dtype=dtype):
    with tf.variable_scope("encoder"):
      embedding_encoder = tf.get_variable("embedding_encoder",
                                          [src_vocab_size, src_embed_size], dtype)
    with tf.variable_scope("decoder"):
      embedding_decoder = tf.get_variable("embedding_decoder",
                                          [tgt_vocab_size, tgt_embed_size], dtype)
  return embedding_encoder, embedding_decoder


def _single_cell(num_units, forget_bias, dropout, mode):
  dropout = dropout if mode == tf.contrib.learn.ModeKeys.TRAIN else 0.0
  single_cell = tf.contrib.rnn.BasicLSTMCell(num_units, forget_bias=forget_bias)
  if dropout > 0.0:
    single_cell = tf.contrib.rnn.DropoutWrapper(cell=single_cell,
                                                input_keep_prob=(1.0 - dropout))
  return single_cell


def create_rnn_cell(num_units, num_layers, forget_bias, dropout, mode):
  cell_list = [_single_cell(num_units, forget_bias, dropout, mode) for _ in range(num_layers)]
  if len(cell_list) == 1:
    return cell_list[0]
  return tf.contrib.rnn.MultiRNNCell(cell_list)


def gradient_clip(gradients, max_gradient_norm):
  clipped_gradients, gradient_norm = tf.clip_by_global_norm(gradients, max_gradient_norm)
  return clipped_gradients, gradient_norm


def create_attention_mechanism(attention_option, num_units, memory, source_sequence_length):
  if attention_option == "scaled_luong":
    attention_mechanism = tf.contrib.seq2seq.LuongAttention(
        num_units, memory, memory_sequence_length=source_sequence_length, scale=True)
  elif attention_option == "normed_bahdanau":
    attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(
        num_units, memory, memory_sequence_length=source_sequence_length, normalize=True)
  else:
    raise ValueError("Unknown attention option %s" % attention_option)
  return attention_mechanism


# ---- the model ------------------------------------------------------------------------------

class AttentionModel(object):

  def __init__(self, hparams, mode, iterator, source_vocab_table, target_vocab_table,
               reverse_target_vocab_table=None, scope=None):
    self.iterator = iterator
    self.mode = mode
    self.src_vocab_table = source_vocab_table
    self.tgt_vocab_table = target_vocab_table
    self.src_vocab_size = hparams.src_vocab_size
    self.tgt_vocab_size = hparams.tgt_vocab_size
    self.num_layers = hparams.num_layers
    self.time_major = hparams.time_major

    initializer = tf.random_uniform_initializer(-hparams.init_weight, hparams.init_weight,
                                                seed=hparams.random_seed)
    tf.get_variable_scope().set_initializer(initializer)

    self.embedding_encoder, self.embedding_decoder = create_emb_for_encoder_and_decoder(
        self.src_vocab_size, self.tgt_vocab_size, hparams.num_units, hparams.num_units)
    self.batch_size = tf.size(self.iterator.source_sequence_length)

    # Projection
    with tf.variable_scope(scope or "build_network"):
      with tf.variable_scope("decoder/output_projection"):
        self.output_layer = layers_core.Dense(hparams.tgt_vocab_size, use_bias=False,
                                              name="output_projection")

    res = self.build_graph(hparams, scope=scope)

    if self.mode == tf.contrib.learn.ModeKeys.TRAIN:
      self.train_loss = res[1]
    elif self.mode == tf.contrib.learn.ModeKeys.INFER:
      self.infer_logits, _, self.final_context_state, self.sample_id = res
      self.sample_words = reverse_target_vocab_table.lookup(tf.to_int64(self.sample_id))

    self.global_step = tf.Variable(0, trainable=False)
    params = tf.trainable_variables()

    if self.mode == tf.contrib.learn.ModeKeys.TRAIN:
      self.learning_rate = tf.constant(hparams.learning_rate)
      opt = tf.train.AdamOptimizer(self.learning_rate)
      gradients = tf.gradients(self.train_loss, params)
      clipped_grads, self.grad_norm = gradient_clip(
          gradients, max_gradient_norm=hparams.max_gradient_norm)
      self.update = opt.apply_gradients(zip(clipped_grads, params),
                                        global_step=self.global_step)

    self.saver = tf.train.Saver(tf.global_variables(), max_to_keep=hparams.num_keep_ckpts)

    print("# Trainable variables")
    for param in params:
      print("  %s, %s" % (param.name, str(param.get_shape())))

  def train(self, sess):
    assert self.mode == tf.contrib.learn.ModeKeys.TRAIN
    return sess.run([self.update, self.train_loss, self.global_step, self.grad_norm])

  def build_graph(self, hparams, scope=None):
    dtype = tf.float32
    with tf.variable_scope(scope or "dynamic_seq2seq", dtype=dtype):
      encoder_outputs, encoder_state = self._build_encoder(hparams)
      logits, sample_id, final_context_state = self._build_decoder(
          encoder_outputs, encoder_state, hparams)
      if self.mode != tf.contrib.learn.ModeKeys.INFER:
        loss = self._compute_loss(logits)
      else:
        loss = None
      return logits, loss, final_context_state, sample_id

  def _build_encoder(self, hparams):
    source = self.iterator.source
    if self.time_major:
      source = tf.transpose(source)
    with tf.variable_scope("encoder") as scope:
      dtype = scope.dtype
      # Look up embedding, emp_inp: [max_time, batch_size, num_units]
      encoder_emb_inp = tf.nn.embedding_lookup(self.embedding_encoder, source)
      cell = create_rnn_cell(hparams.num_units, hparams.num_layers, hparams.forget_bias,
                             hparams.dropout, self.mode)
      encoder_outputs, encoder_state = tf.nn.dynamic_rnn(
          cell, encoder_emb_inp, dtype=dtype,
          sequence_length=self.iterator.source_sequence_length,
          time_major=self.time_major, swap_memory=True)
    return encoder_outputs, encoder_state

  def _get_infer_maximum_iterations(self, hparams, source_sequence_length):
    decoding_length_factor = 2.0
    max_encoder_length = tf.reduce_max(source_sequence_length)
    return tf.to_int32(tf.round(tf.to_float(max_encoder_length) * decoding_length_factor))

  def _build_decoder_cell(self, hparams, encoder_outputs, encoder_state,
                          source_sequence_length):
    beam_width = hparams.beam_width
    dtype = tf.float32
    if self.time_major:
      memory = tf.transpose(encoder_outputs, [1, 0, 2])
    else:
      memory = encoder_outputs

    if self.mode == tf.contrib.learn.ModeKeys.INFER and beam_width > 0:
      memory = tf.contrib.seq2seq.tile_batch(memory, multiplier=beam_width)
      source_sequence_length = tf.contrib.seq2seq.tile_batch(source_sequence_length,
                                                             multiplier=beam_width)
      encoder_state = tf.contrib.seq2seq.tile_batch(encoder_state, multiplier=beam_width)
      batch_size = self.batch_size * beam_width
    else:
      batch_size = self.batch_size

    attention_mechanism = create_attention_mechanism(hparams.attention, hparams.num_units,
                                                     memory, source_sequence_length)
    cell = create_rnn_cell(hparams.num_units, hparams.num_layers, hparams.forget_bias,
                           hparams.dropout, self.mode)
    # Only generate alignment in greedy INFER mode.
    alignment_history = (self.mode == tf.contrib.learn.ModeKeys.INFER and beam_width == 0)
    cell = tf.contrib.seq2seq.AttentionWrapper(
        cell, attention_mechanism, attention_layer_size=hparams.num_units,
        alignment_history=alignment_history, output_attention=hparams.output_attention,
        name="attention")
    cell = tf.contrib.rnn.DeviceWrapper(cell, "/cpu:0")
    if hparams.pass_hidden_state:
      decoder_initial_state = cell.zero_state(batch_size, dtype).clone(
          cell_state=encoder_state)
    else:
      decoder_initial_state = cell.zero_state(batch_size, dtype)
    return cell, decoder_initial_state

  def _build_decoder(self, encoder_outputs, encoder_state, hparams):
    tgt_sos_id = tf.cast(self.tgt_vocab_table.lookup(tf.constant(hparams.sos)), tf.int32)
    tgt_eos_id = tf.cast(self.tgt_vocab_table.lookup(tf.constant(hparams.eos)), tf.int32)
    iterator = self.iterator
    maximum_iterations = self._get_infer_maximum_iterations(
        hparams, iterator.source_sequence_length)

    with tf.variable_scope("decoder") as decoder_scope:
      cell, decoder_initial_state = self._build_decoder_cell(
          hparams, encoder_outputs, encoder_state, iterator.source_sequence_length)

      if self.mode != tf.contrib.learn.ModeKeys.INFER:
        # decoder_emp_inp: [max_time, batch_size, num_units]
        target_input = iterator.target_input
        if self.time_major:
          target_input = tf.transpose(target_input)
        decoder_emb_inp = tf.nn.embedding_lookup(self.embedding_decoder, target_input)
        helper = tf.contrib.seq2seq.TrainingHelper(
            decoder_emb_inp, iterator.target_sequence_length, time_major=self.time_major)
        my_decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, decoder_initial_state)
        outputs, final_context_state, _ = tf.contrib.seq2seq.dynamic_decode(
            my_decoder, output_time_major=self.time_major, swap_memory=True,
            scope=decoder_scope)
        sample_id = outputs.sample_id
        logits = self.output_layer(outputs.rnn_output)
      else:
        start_tokens = tf.fill([self.batch_size], tgt_sos_id)
        end_token = tgt_eos_id
        my_decoder = tf.contrib.seq2seq.BeamSearchDecoder(
            cell=cell, embedding=self.embedding_decoder, start_tokens=start_tokens,
            end_token=end_token, initial_state=decoder_initial_state,
            beam_width=hparams.beam_width, output_layer=self.output_layer,
            length_penalty_weight=hparams.length_penalty_weight)
        outputs, final_context_state, _ = tf.contrib.seq2seq.dynamic_decode(
            my_decoder, maximum_iterations=maximum_iterations,
            output_time_major=self.time_major, swap_memory=True, scope=decoder_scope)
        logits = tf.no_op()
        sample_id = outputs.predicted_ids
    return logits, sample_id, final_context_state

  def get_max_time(self, tensor):
    time_axis = 0 if self.time_major else 1
    return tensor.shape[time_axis].value or tf.shape(tensor)[time_axis]

  def _compute_loss(self, logits):
    target_output = self.iterator.target_output
    if self.time_major:
      target_output = tf.transpose(target_output)
    max_time = self.get_max_time(target_output)
    crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target_output,
                                                              logits=logits)
    target_weights = tf.sequence_mask(self.iterator.target_sequence_length, max_time,
                                      dtype=logits.dtype)
    if self.time_major:
      target_weights = tf.transpose(target_weights)
    loss = tf.reduce_sum(crossent * target_weights) / tf.to_float(self.batch_size)
    return loss


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
