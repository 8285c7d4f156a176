"""One GRU layer over a whole sequence, with its backward pass written by hand.

Forward, GRUCell's equations (``tf1_lstm.cells.gru``), for inputs x_t [B, I], t = 0 .. T-1::

    [r_t, u_t] = sigmoid([x_t, h_{t-1}] @ W_ru + b_ru)     # [B, 2H]: gates/kernel, gates/bias
    c_t        = tanh([x_t, r_t h_{t-1}] @ W_c + b_c)      # [B, H]: candidate/kernel, /bias
    h_t        = c_t + u_t (h_{t-1} - c_t)                 # = u h_{t-1} + (1 - u) c: output t

(each matmul, its bias and its activation one fused oneDNN kernel after Grappler). Backward,
given dOut_t [B, H] for every step and the final state's dh_T. Autodiff of ``static_rnn`` +
GRUCell runs about 37 ops a step, forward and backward, two of them weight-gradient matmuls
summed by AddN at the end (1040 ops in document 002's training step, 757 here). Here the walk
back over t = T-1 .. 0 does only what the recurrence needs (r~, u~, c~: the pre-activations;
W_ruh, W_ch the kernels' rows that read the state)::

    g     = dh + dOut_t                                    # d loss / d h_t
    dc~   = g (1 - u_t) (1 - c_t^2)                        # TanhGrad(c_t, g - g u_t)
    drh   = dc~ @ W_ch^T                                   # d loss / d (r_t h_{t-1})  [B, H]
    [dr~, du~] = [drh h_{t-1}, g (h_{t-1} - c_t)] [r_t, u_t] (1 - [r_t, u_t])   # SigmoidGrad
    dh    = [dr~, du~] @ W_ruh^T + g u_t + drh r_t         # on to step t-1

about 12 ops a step (W_ruh^T and W_ch^T are transposed once per run: measured faster than
matmuls with ``transpose_b``). Off that chain, the weights' gradients, each step's terms
summed by one AddN, and the inputs' as ONE matmul over all T * B rows::

    dW_ru = sum_t [x_t, h_{t-1}]^T @ [dr~, du~]_t              # [I + H, 2H]
    dW_c  = sum_t [x_t, r_t h_{t-1}]^T @ dc~_t                 # [I + H, H]
    db_ru, db_c = sum_t the column sums of [dr~, du~]_t, dc~_t # BiasAddGrad: [2H], [H]
    dx_{all t} = [dr~, du~]_{all t} @ W_rux^T + dc~_{all t} @ W_cx^T   # only if x needs it

Measured on document 002's training step with a GRU(128) (batch 128, T 28, Adam; intra_op 1,
inter_op 2; medians of the blocks in which other processes used under 10% of the 2 cores):
TF's static_rnn + GRUCell 12.8 ms, this layer 7.9 ms with 2 shards and 10.0 with 1. What was
tried and measured slower or no faster:

- the weight gradients as ONE matmul over all T * B rows each (cuDNN's way, and
  ``fast.sequence``'s): 7.8 ms with 2 shards, but 12.3 with 1, where a step's weight-gradient
  matmuls otherwise run on the second core while the recurrence walks on;
- TensorFlow's ``GRUBlockCell`` / ``GRUBlockCellGrad`` kernels (contrib's GRUBlockCell), a
  forward step and the backward lines above (dx_t too) in one op each, and correct in TF 2.21
  (``tests/test_fast_gru.py`` checks the gradient kernel against a float64 NumPy reference),
  but with Eigen matmuls, not oneDNN's: 8.6 ms with GRUBlockCell for the forward steps, 9.8
  with GRUBlockCellGrad for the backward steps, 10.0 with both (2 shards).

With ``sequence_length`` (dynamic_rnn's contract: row b's output is 0 from step L_b on and its
state is copied through) every step has a mask m_t [B, 1], 1 while t < L_b::

    forward    h_t = m h~_t + (1 - m) h_{t-1};   out_t = m h~_t
    backward   g~ = m g   (-> dc~, dr~, du~ as above: 0 past the row's end)
               dh = (the dh line, from g~) + (1 - m) dh

so rows past their end add nothing to the weight gradients and pass the state's gradient
straight back (h~: the step's value before the mask).
"""

from __future__ import annotations

from tf1_lstm.compat import tf
from tf1_lstm.fast.sequence import _is_zeros


def gru_layer(inputs: list, gate_kernel, gate_bias, candidate_kernel, candidate_bias, h0,
              masks: list | None = None):
    """One layer over ``inputs``, T tensors [B, I]; returns ``(outputs, h_T)``.

    gate_kernel [I + H, 2H], gate_bias [2H], candidate_kernel [I + H, H], candidate_bias [H]
    are GRUCell's (pass the variables' values); h0 [B, H] the initial state; masks None or T
    bool tensors [B] (True while t < sequence_length[b]). outputs: T tensors [B, H]. B may be
    unknown, even 0; T is the length of the list. The gradient is the module docstring's.
    """
    steps = len(inputs)

    @tf.custom_gradient
    def layer(*args):
        xs, (w_ru, b_ru, w_c, b_c, h) = list(args[:steps]), args[steps:]   # xs: T x [B, I]
        saved = []      # per step: what the backward pass reads
        outputs = []
        for t in range(steps):
            xh = tf.concat([xs[t], h], 1)                                   # [B, I + H]
            # matmul, bias and activation: one fused kernel once Grappler has run
            ru = tf.sigmoid(tf.nn.bias_add(tf.matmul(xh, w_ru), b_ru))      # [B, 2H]
            r, u = tf.split(ru, 2, axis=1)                                  # [B, H] each
            xrh = tf.concat([xs[t], r * h], 1)                              # [B, I + H]
            c = tf.tanh(tf.nn.bias_add(tf.matmul(xrh, w_c), b_c))           # [B, H]
            h_minus_c = h - c
            h_new = c + u * h_minus_c                   # = u h + (1 - u) c, one op fewer
            saved.append((xh, xrh, h, ru, r, u, c, h_minus_c))
            if masks is None:
                h = h_new
                outputs.append(h_new)
            else:  # TF1's where: a [B] condition picks whole rows
                h = tf.where(masks[t], h_new, h)
                outputs.append(tf.where(masks[t], h_new, tf.zeros_like(h_new)))

        def gradient(*grads):
            d_outputs, d_h = grads[:steps], grads[steps]                    # [B, H] each
            dtype = d_h.dtype
            if masks is not None:
                keep = [tf.cast(m, dtype)[:, None] for m in masks]           # T x [B, 1]
            depth = tf.compat.dimension_value(xs[0].shape[1])                # I
            # W_h^T once per run: a step's matmuls then read them untransposed (measured
            # faster than transpose_b)
            w_ruh_t, w_ch_t = tf.transpose(w_ru[depth:]), tf.transpose(w_c[depth:])
            d_ru, d_cbar = [None] * steps, [None] * steps   # per step: [B, 2H], [B, H]
            for t in reversed(range(steps)):
                # Unused outputs (002 reads only the last) come as ZerosLike: no add for them.
                g = d_h if _is_zeros(d_outputs[t]) else d_h + d_outputs[t]
                if masks is not None:
                    g = keep[t] * g
                _, _, h_prev, ru, r, u, c, h_minus_c = saved[t]
                g_u = g * u
                d_cbar[t] = tf.raw_ops.TanhGrad(y=c, dy=g - g_u)   # g (1 - u) (1 - c^2)
                d_rh = tf.matmul(d_cbar[t], w_ch_t)                             # [B, H]
                d_ru[t] = tf.raw_ops.SigmoidGrad(                  # [dr~, du~], [B, 2H]
                    y=ru, dy=tf.concat([d_rh * h_prev, g * h_minus_c], 1))
                d_h_prev = tf.matmul(d_ru[t], w_ruh_t) + g_u + d_rh * r
                if masks is not None:  # past a row's end the state was copied through
                    d_h_prev += (1.0 - keep[t]) * d_h
                d_h = d_h_prev

            # dx of all steps by one matmul each (pruned where x needs no gradient)
            d_ru_all, d_c_all = tf.concat(d_ru, 0), tf.concat(d_cbar, 0)     # [T*B, 2H], [T*B, H]
            d_xs = tf.split(tf.matmul(d_ru_all, w_ru[:depth], transpose_b=True) +
                            tf.matmul(d_c_all, w_c[:depth], transpose_b=True),
                            steps, 0)                                        # T x [B, I]
            return (*d_xs,
                    *_weight_gradients([s[0] for s in saved], d_ru),    # [I + H, 2H], [2H]
                    *_weight_gradients([s[1] for s in saved], d_cbar),  # [I + H, H], [H]
                    d_h)

        return (*outputs, h), gradient

    results = layer(*inputs, gate_kernel, gate_bias, candidate_kernel, candidate_bias, h0)
    return list(results[:steps]), results[steps]


def _weight_gradients(step_inputs: list, d_pre: list) -> tuple:
    """(sum_t a_t^T @ d_t [I + H, n], sum_t of d_t's column sums [n]): a kernel's and its
    bias's gradients from each step's matmul input a_t and pre-activation gradient d_t."""
    d_kernel = tf.add_n([tf.matmul(a, d, transpose_a=True)
                         for a, d in zip(step_inputs, d_pre, strict=True)])
    d_bias = tf.add_n([tf.raw_ops.BiasAddGrad(out_backprop=d) for d in d_pre])
    return d_kernel, d_bias
