"""model_helper.py and attention_model.py of the NMT-tutorial-style program
(nmt_attention_tf14.py imports it, as tensorflow/nmt's nmt.py imported its model files)."""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import tensorflow as tf
from tensorflow.python.layers import core as layers_core


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
