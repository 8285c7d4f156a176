"""A bucketed seq2seq chatbot written against TensorFlow 0.12 (late 2016).

In the manner of the chatbots built on the translate tutorial's seq2seq_model.py: a
Seq2SeqModel class with tf.nn.seq2seq.embedding_attention_seq2seq inside
tf.nn.seq2seq.model_with_buckets, a tf.nn.rnn_cell.GRUCell stacked with
MultiRNNCell([single_cell] * num_layers) (the TF 0.12 idiom: every layer its own weights),
an embedding smaller than the cell, a sampled softmax loss through an output projection
(w, b), one clipped Adam update per bucket (tf.clip_by_global_norm), the learning rate a
Variable decayed when the loss stops falling, tf.app.flags, tf.initialize_all_variables(),
tf.train.Saver(tf.all_variables()), and a decode() that builds the model again with
forward_only=True, restores the checkpoint and replies one sentence at a time.

sampled_loss is TF 0.12's: def sampled_loss(inputs, labels), called positionally as
softmax_loss_function(logit, target), with tf.nn.sampled_softmax_loss's TF 0.12 argument order
(weights, biases, inputs, labels); TF 1.2 - 1.15 failed on both, tf1-lstm run notes them.

The toy conversation: the bot contradicts, answering each of the user's words with its
opposite ("hot big up" -> "cold small down").
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import random
import shutil
import sys
import tempfile

import numpy as np
from six.moves import xrange  # pylint: disable=redefined-builtin
import tensorflow as tf

tf.app.flags.DEFINE_float("learning_rate", 0.01, "Learning rate.")
tf.app.flags.DEFINE_float("learning_rate_decay_factor", 0.5, "Learning rate decays by this.")
tf.app.flags.DEFINE_float("max_gradient_norm", 5.0, "Clip gradients to this norm.")
tf.app.flags.DEFINE_integer("batch_size", 64, "Batch size to use during training.")
tf.app.flags.DEFINE_integer("size", 64, "Size of each model layer.")
tf.app.flags.DEFINE_integer("embedding_size", 32, "Size of the word embeddings.")
tf.app.flags.DEFINE_integer("num_layers", 2, "Number of layers in the model.")
tf.app.flags.DEFINE_integer("num_samples", 16, "Sampled softmax: classes per batch.")
tf.app.flags.DEFINE_integer("max_train_steps", 120, "How many training steps to do.")
tf.app.flags.DEFINE_integer("steps_per_checkpoint", 60, "Steps between checkpoints.")
tf.app.flags.DEFINE_string("train_dir", "", "Training directory (a temporary one if empty).")
FLAGS = tf.app.flags.FLAGS

# Special vocabulary symbols - we always put them at the start.
_PAD, _GO, _EOS, _UNK = "_PAD", "_GO", "_EOS", "_UNK"
PAD_ID, GO_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
OPPOSITES = [("hot", "cold"), ("big", "small"), ("up", "down"), ("yes", "no"),
             ("left", "right"), ("fast", "slow"), ("old", "new"), ("day", "night"),
             ("open", "closed"), ("happy", "sad")]
WORDS = [w for pair in OPPOSITES for w in pair]
OPPOSITE = dict(OPPOSITES + [(b, a) for a, b in OPPOSITES])

# We use a number of buckets and pad to the closest one for efficiency.
_buckets = [(3, 4), (5, 6)]


def reply_to(words):
  return [OPPOSITE[w] for w in words]


def make_dialogues(rng, n):
  pairs = []
  for _ in xrange(n):
    question = [WORDS[i] for i in rng.randint(0, len(WORDS), size=rng.randint(1, 5))]
    pairs.append((" ".join(question), " ".join(reply_to(question))))
  return pairs


def sentence_to_token_ids(sentence, vocabulary):
  return [vocabulary.get(w, UNK_ID) for w in sentence.split()]


def read_data(pairs, vocab):
  data_set = [[] for _ in _buckets]
  for source, target in pairs:
    source_ids = sentence_to_token_ids(source, vocab)
    target_ids = sentence_to_token_ids(target, vocab)
    target_ids.append(EOS_ID)
    for bucket_id, (source_size, target_size) in enumerate(_buckets):
      if len(source_ids) < source_size and len(target_ids) < target_size:
        data_set[bucket_id].append([source_ids, target_ids])
        break
  return data_set


class Seq2SeqModel(object):
  """Sequence-to-sequence model with attention and for multiple buckets."""

  def __init__(self, source_vocab_size, target_vocab_size, buckets, size, embedding_size,
               num_layers, max_gradient_norm, batch_size, learning_rate,
               learning_rate_decay_factor, num_samples=512, forward_only=False):
    self.source_vocab_size = source_vocab_size
    self.target_vocab_size = target_vocab_size
    self.buckets = buckets
    self.batch_size = batch_size
    self.learning_rate = tf.Variable(float(learning_rate), trainable=False)
    self.learning_rate_decay_op = self.learning_rate.assign(
        self.learning_rate * learning_rate_decay_factor)
    self.global_step = tf.Variable(0, trainable=False)

    # If we use sampled softmax, we need an output projection.
    output_projection = None
    softmax_loss_function = None
    # Sampled softmax only makes sense if we sample less than vocabulary size.
    if num_samples > 0 and num_samples < self.target_vocab_size:
      w = tf.get_variable("proj_w", [size, self.target_vocab_size])
      w_t = tf.transpose(w)
      b = tf.get_variable("proj_b", [self.target_vocab_size])
      output_projection = (w, b)

      def sampled_loss(inputs, labels):
        labels = tf.reshape(labels, [-1, 1])
        return tf.nn.sampled_softmax_loss(w_t, b, inputs, labels, num_samples,
                                          self.target_vocab_size)
      softmax_loss_function = sampled_loss

    # Create the internal multi-layer cell for our RNN.
    single_cell = tf.nn.rnn_cell.GRUCell(size)
    cell = single_cell
    if num_layers > 1:
      cell = tf.nn.rnn_cell.MultiRNNCell([single_cell] * num_layers)

    # The seq2seq function: we use embedding for the input and attention.
    def seq2seq_f(encoder_inputs, decoder_inputs, do_decode):
      return tf.nn.seq2seq.embedding_attention_seq2seq(
          encoder_inputs, decoder_inputs, cell,
          num_encoder_symbols=source_vocab_size,
          num_decoder_symbols=target_vocab_size,
          embedding_size=embedding_size,
          output_projection=output_projection,
          feed_previous=do_decode)

    # Feeds for inputs.
    self.encoder_inputs = []
    self.decoder_inputs = []
    self.target_weights = []
    for i in xrange(buckets[-1][0]):  # Last bucket is the biggest one.
      self.encoder_inputs.append(tf.placeholder(tf.int32, shape=[None],
                                                name="encoder{0}".format(i)))
    for i in xrange(buckets[-1][1] + 1):
      self.decoder_inputs.append(tf.placeholder(tf.int32, shape=[None],
                                                name="decoder{0}".format(i)))
      self.target_weights.append(tf.placeholder(tf.float32, shape=[None],
                                                name="weight{0}".format(i)))

    # Our targets are decoder inputs shifted by one.
    targets = [self.decoder_inputs[i + 1] for i in xrange(len(self.decoder_inputs) - 1)]

    # Training outputs and losses.
    if forward_only:
      self.outputs, self.losses = tf.nn.seq2seq.model_with_buckets(
          self.encoder_inputs, self.decoder_inputs, targets,
          self.target_weights, buckets, lambda x, y: seq2seq_f(x, y, True),
          softmax_loss_function=softmax_loss_function)
      # If we use output projection, we need to project outputs for decoding.
      if output_projection is not None:
        for b in xrange(len(buckets)):
          self.outputs[b] = [tf.matmul(output, output_projection[0]) + output_projection[1]
                             for output in self.outputs[b]]
    else:
      self.outputs, self.losses = tf.nn.seq2seq.model_with_buckets(
          self.encoder_inputs, self.decoder_inputs, targets,
          self.target_weights, buckets,
          lambda x, y: seq2seq_f(x, y, False),
          softmax_loss_function=softmax_loss_function)

    # Gradients and update operation for training the model.
    params = tf.trainable_variables()
    if not forward_only:
      self.gradient_norms = []
      self.updates = []
      opt = tf.train.AdamOptimizer(self.learning_rate)
      for b in xrange(len(buckets)):
        gradients = tf.gradients(self.losses[b], params)
        clipped_gradients, norm = tf.clip_by_global_norm(gradients, max_gradient_norm)
        self.gradient_norms.append(norm)
        self.updates.append(opt.apply_gradients(zip(clipped_gradients, params),
                                                global_step=self.global_step))

    self.saver = tf.train.Saver(tf.all_variables())

  def step(self, session, encoder_inputs, decoder_inputs, target_weights, bucket_id,
           forward_only):
    encoder_size, decoder_size = self.buckets[bucket_id]
    input_feed = {}
    for l in xrange(encoder_size):
      input_feed[self.encoder_inputs[l].name] = encoder_inputs[l]
    for l in xrange(decoder_size):
      input_feed[self.decoder_inputs[l].name] = decoder_inputs[l]
      input_feed[self.target_weights[l].name] = target_weights[l]
    # Since our targets are decoder inputs shifted by one, we need one more.
    last_target = self.decoder_inputs[decoder_size].name
    input_feed[last_target] = np.zeros([len(encoder_inputs[0])], dtype=np.int32)

    if not forward_only:
      output_feed = [self.updates[bucket_id], self.gradient_norms[bucket_id],
                     self.losses[bucket_id]]
    else:
      output_feed = [self.losses[bucket_id]]
      for l in xrange(decoder_size):
        output_feed.append(self.outputs[bucket_id][l])

    outputs = session.run(output_feed, input_feed)
    if not forward_only:
      return outputs[1], outputs[2], None  # Gradient norm, loss, no outputs.
    return None, outputs[0], outputs[1:]  # No gradient norm, loss, outputs.

  def get_batch(self, data, bucket_id):
    encoder_size, decoder_size = self.buckets[bucket_id]
    encoder_inputs, decoder_inputs = [], []
    for _ in xrange(self.batch_size):
      encoder_input, decoder_input = random.choice(data[bucket_id])
      # Encoder inputs are padded and then reversed.
      encoder_pad = [PAD_ID] * (encoder_size - len(encoder_input))
      encoder_inputs.append(list(reversed(encoder_input + encoder_pad)))
      # Decoder inputs get an extra "GO" symbol, and are padded then.
      decoder_pad_size = decoder_size - len(decoder_input) - 1
      decoder_inputs.append([GO_ID] + decoder_input + [PAD_ID] * decoder_pad_size)

    # Now we create batch-major vectors from the data selected above.
    batch_encoder_inputs, batch_decoder_inputs, batch_weights = [], [], []
    for length_idx in xrange(encoder_size):
      batch_encoder_inputs.append(np.array(
          [encoder_inputs[batch_idx][length_idx] for batch_idx in xrange(self.batch_size)],
          dtype=np.int32))
    for length_idx in xrange(decoder_size):
      batch_decoder_inputs.append(np.array(
          [decoder_inputs[batch_idx][length_idx] for batch_idx in xrange(self.batch_size)],
          dtype=np.int32))
      # Create target_weights to be 0 for targets that are padding.
      batch_weight = np.ones(self.batch_size, dtype=np.float32)
      for batch_idx in xrange(self.batch_size):
        if length_idx < decoder_size - 1:
          target = decoder_inputs[batch_idx][length_idx + 1]
        if length_idx == decoder_size - 1 or target == PAD_ID:
          batch_weight[batch_idx] = 0.0
      batch_weights.append(batch_weight)
    return batch_encoder_inputs, batch_decoder_inputs, batch_weights


def create_model(session, vocab_size, forward_only):
  model = Seq2SeqModel(vocab_size, vocab_size, _buckets, FLAGS.size, FLAGS.embedding_size,
                       FLAGS.num_layers, FLAGS.max_gradient_norm, FLAGS.batch_size,
                       FLAGS.learning_rate, FLAGS.learning_rate_decay_factor,
                       num_samples=FLAGS.num_samples, forward_only=forward_only)
  ckpt = tf.train.get_checkpoint_state(FLAGS.train_dir)
  if ckpt and tf.gfile.Exists(ckpt.model_checkpoint_path + ".index"):
    print("Reading model parameters from %s" % ckpt.model_checkpoint_path)
    model.saver.restore(session, ckpt.model_checkpoint_path)
  else:
    print("Created model with fresh parameters.")
    session.run(tf.initialize_all_variables())
  return model


def train(train_set, vocab_size):
  losses = []
  with tf.Session() as sess:
    print("Creating %d layers of %d units." % (FLAGS.num_layers, FLAGS.size))
    model = create_model(sess, vocab_size, False)
    train_bucket_sizes = [len(train_set[b]) for b in xrange(len(_buckets))]
    train_total_size = float(sum(train_bucket_sizes))
    train_buckets_scale = [sum(train_bucket_sizes[:i + 1]) / train_total_size
                           for i in xrange(len(train_bucket_sizes))]
    loss, current_step = 0.0, 0
    previous_losses = []
    while current_step < FLAGS.max_train_steps:
      # Choose a bucket according to data distribution.
      random_number_01 = np.random.random_sample()
      bucket_id = min([i for i in xrange(len(train_buckets_scale))
                       if train_buckets_scale[i] > random_number_01])
      encoder_inputs, decoder_inputs, target_weights = model.get_batch(train_set, bucket_id)
      _, step_loss, _ = model.step(sess, encoder_inputs, decoder_inputs, target_weights,
                                   bucket_id, False)
      losses.append(step_loss)
      loss += step_loss / FLAGS.steps_per_checkpoint
      current_step += 1
      if current_step % FLAGS.steps_per_checkpoint == 0:
        print("global step %d learning rate %.4f loss %.4f" % (
            model.global_step.eval(), model.learning_rate.eval(), loss))
        # Decrease learning rate if no improvement was seen over last 3 times.
        if len(previous_losses) > 2 and loss > max(previous_losses[-3:]):
          sess.run(model.learning_rate_decay_op)
        previous_losses.append(loss)
        checkpoint_path = os.path.join(FLAGS.train_dir, "chatbot.ckpt")
        model.saver.save(sess, checkpoint_path, global_step=model.global_step)
        loss = 0.0
  return losses


def decode(dialogues, vocab, rev_vocab):
  replies = []
  with tf.Session() as sess:
    model = create_model(sess, len(rev_vocab), True)
    model.batch_size = 1  # We decode one sentence at a time.
    for sentence, _ in dialogues:
      token_ids = sentence_to_token_ids(sentence, vocab)
      bucket_id = min([b for b in xrange(len(_buckets)) if _buckets[b][0] > len(token_ids)])
      encoder_inputs, decoder_inputs, target_weights = model.get_batch(
          {bucket_id: [(token_ids, [])]}, bucket_id)
      _, _, output_logits = model.step(sess, encoder_inputs, decoder_inputs, target_weights,
                                       bucket_id, True)
      # This is a greedy decoder - outputs are just argmaxes of output_logits.
      outputs = [int(np.argmax(logit)) for logit in output_logits]
      if EOS_ID in outputs:
        outputs = outputs[:outputs.index(EOS_ID)]
      replies.append(" ".join([tf.compat.as_str(rev_vocab[output]) for output in outputs]))
  return replies


def main(_):
  own_dir = not FLAGS.train_dir
  if own_dir:
    FLAGS.train_dir = tempfile.mkdtemp(prefix="chatbot_")
  random.seed(0)
  np.random.seed(0)
  tf.set_random_seed(0)
  rev_vocab = [_PAD, _GO, _EOS, _UNK] + WORDS
  vocab = dict([(x, y) for (y, x) in enumerate(rev_vocab)])
  rng = np.random.RandomState(1)
  train_set = read_data(make_dialogues(rng, 2000), vocab)
  held_out = make_dialogues(rng, 40)

  losses = train(train_set, len(rev_vocab))
  tf.reset_default_graph()
  replies = decode(held_out, vocab, rev_vocab)
  written = tf.train.get_checkpoint_state(FLAGS.train_dir) is not None
  if own_dir:
    shutil.rmtree(FLAGS.train_dir, ignore_errors=True)

  for (question, _), reply in list(zip(held_out, replies))[:4]:
    print("> %s\n%s" % (question, reply))
  accuracy = np.mean([reply == answer for (_, answer), reply in zip(held_out, replies)])
  first_loss, last_loss = np.mean(losses[:10]), np.mean(losses[-10:])
  print("first loss: %.4f" % first_loss)
  print("last loss: %.4f" % last_loss)
  print("held-out reply accuracy: %.4f" % accuracy)
  if not written:
    sys.exit("CHECK FAILED: no checkpoint written by tf.train.Saver")
  if not last_loss < 0.3 * first_loss:
    sys.exit("CHECK FAILED: the loss did not fall (%.3f -> %.3f)" % (first_loss, last_loss))
  if not accuracy >= 0.6:
    sys.exit("CHECK FAILED: held-out reply accuracy %.3f < 0.6" % accuracy)
  print("CHECK OK")


if __name__ == "__main__":
  tf.app.run()
