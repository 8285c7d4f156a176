"""One LSTM layer over a whole sequence, with its backward pass written by hand.

Forward, BasicLSTMCell's equations (gate columns i, j, f, o; ``forget_bias`` added to f when
the graph runs), for inputs x_t [B, I] and t = 0 .. T-1::

    K    = [kernel; bias + [0, 0, forget_bias, 0]]      # [I + H + 1, 4H], once per run
    z_t  = [x_t, h_{t-1}, 1] @ K                       # [B, 4H]: the bias rides in the matmul
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);   j = tanh(z_j)
    c_t  = f * c_{t-1} + i * j
    h_t  = o * tanh(c_t)                               # = output t

In float32 the lines after the matmul are ONE op, ``Tf1LstmStep`` (``tf1_lstm.fast.fused``:
built on this machine, C++), instead of about ten ops that each read and write [B, H] arrays;
where it cannot be built they run as those TensorFlow ops (``_step``), with the same values.

Backward, given dOut_t [B, H] for every step and the final state's (dc_T, dh_T). Autodiff of
``static_rnn`` builds about 20 small ops per step plus a [I + H, B] @ [B, 4H] weight-gradient
matmul per step, summed by AddN at the end. Here (what cuDNN does) the walk back over
t = T-1 .. 0 does only what the recurrence needs::

    g    = dh + dOut_t                                  # d loss / d h_t
    dc   = dc + g * o_t (1 - tanh^2 c_t)                # d loss / d c_t
    dz_t = [dc j_t i_t (1 - i_t),  dc i_t (1 - j_t^2),  dc c_{t-1} f_t (1 - f_t),
            g tanh(c_t) o_t (1 - o_t)]                  # d loss / d z_t   [B, 4H]
    dh   = dz_t @ W_h^T;   dc = dc * f_t                # on to step t-1

(in float32 the three lines before ``dh`` are ONE op, TensorFlow's ``LSTMBlockCellGrad``
kernel, which computes exactly them), and everything else as ONE matmul over all T * B rows::

    [dkernel; dbias] = [x_t, h_{t-1}, 1]_{all t}^T @ dz_{all t}     # [I + H + 1, 4H]
    dx_{all t}       = dz_{all t} @ W_x^T                           # only if x needs it

With ``sequence_length`` (dynamic_rnn's contract: row b's output is 0 from step L_b on and its
state is copied through) every step has a mask m_t [B, 1], 1 while t < L_b::

    forward    c_t = m c~_t + (1 - m) c_{t-1};   h_t likewise;   out_t = m h~_t
    backward   g~  = m g;   dc~ = m (dc + g o_t (1 - tanh^2 c~_t))      (-> dz_t as above)
               dh  = dz_t @ W_h^T + (1 - m) dh;    dc = dc~ f_t + (1 - m) dc

so rows past their end add nothing to the weight gradient and pass the state's gradient
straight back (c~, h~: the step's values before the mask).

With peepholes, ``LSTMCell(use_peepholes=True)``'s step (Sak et al., 2014; no cell_clip, no
projection), the gates also read the memory through w_i, w_f, w_o [H] (``w_i_diag``, ...)::

    forward    i = sigmoid(z_i + w_i c_{t-1});   f = sigmoid(z_f + w_f c_{t-1})
               c_t as above;                     o = sigmoid(z_o + w_o c_t)     # the NEW c_t
    backward   do  = g tanh(c_t) o (1 - o)
               dc  = dc + g o_t (1 - tanh^2 c_t) + do w_o      # o reads c_t
               dz_t = [di, dj, df, do] as above, from this dc
               dc_{t-1} = dc f_t + di w_i + df w_f             # i and f read c_{t-1}
               dw_i = sum_{t,b} di c_{t-1};   dw_f = sum_{t,b} df c_{t-1};   dw_o = sum_{t,b} do c_t

(``LSTMBlockCellGrad(use_peephole=True)`` computes all of a step's lines, the three sums over
the batch included; the T per-step sums are added at the end). ``forget_bias`` sits inside
f's sigmoid with the peephole term, as in TF1's LSTMCell. Masks work as above: a row past its
end has g~ = dc~ = 0, so it adds nothing to dw_i, dw_f, dw_o either.
"""

from __future__ import annotations

from tf1_lstm.compat import tf
from tf1_lstm.fast.errors import FastPathError
from tf1_lstm.fast.fused import library as fused_library
from tf1_lstm.fast.fused import status as fused_status


def lstm_layer(inputs: list, kernel, bias, c0, h0, forget_bias: float, masks: list | None = None,
               peepholes: tuple | None = None, fused: bool | None = None):
    """One layer over ``inputs``, T tensors [B, I]; returns ``(outputs, c_T, h_T)``.

    kernel [I + H, 4H] and bias [4H] are BasicLSTMCell's or LSTMCell's (pass the variables'
    values); c0, h0 [B, H] the initial state; masks None or T bool tensors [B] (True while
    t < sequence_length[b]); peepholes None, or LSTMCell's (w_i_diag, w_f_diag, w_o_diag)
    [H] each. outputs: T tensors [B, H]. B may be unknown, even 0; T is the length of the
    list. The gradient is the hand-written one of the module docstring. ``fused``: run each
    step's elementwise math as the fused op (``tf1_lstm.fast.fused``); None: where it is built
    (float32 only), False: as TensorFlow ops.
    """
    steps = len(inputs)
    dtype = inputs[0].dtype
    diagonals = () if peepholes is None else tuple(peepholes)    # () or (w_i, w_f, w_o)
    fused_ops = _fused_ops(dtype, fused)

    @tf.custom_gradient
    def layer(*args):
        xs, (kernel, bias, c0, h0) = list(args[:steps]), args[steps:steps + 4]  # xs: T x [B, I]
        diag = args[steps + 4:]                                             # () or 3 x [H]
        input_depth = tf.compat.dimension_value(xs[0].shape[1])
        units = tf.compat.dimension_value(kernel.shape[1]) // 4
        w_h = kernel[input_depth:]                                          # [H, 4H]
        # forget_bias and the bias join the kernel as one more row, fed by a column of ones.
        gate_shift = tf.constant([0.0] * (2 * units) + [forget_bias] * units + [0.0] * units,
                                 dtype)                                      # [4H]
        kernel_1 = tf.concat([kernel, (bias + gate_shift)[None]], 0)         # [I + H + 1, 4H]
        ones = tf.ones(tf.stack([tf.shape(c0)[0], 1]), dtype)                # [B, 1]
        # the C++ kernels' peephole inputs: LSTMCell's, or zeros they do not read
        peephole_weights = diag or (tf.zeros([units], dtype),) * 3

        c, h = c0, h0
        saved = []      # per step: what the backward pass reads
        outputs = []
        for t in range(steps):
            xh1 = tf.concat([xs[t], h, ones], 1)                             # [B, I + H + 1]
            z = tf.matmul(xh1, kernel_1)                                      # [B, 4H]
            if fused_ops is not None:  # the lines of _step / _peephole_step in one op
                i, j, f, o, c_new, tanh_c, h_new = fused_ops.tf1_lstm_step(
                    z, c, *peephole_weights, use_peephole=bool(diag))
            else:
                i, j, f, o, c_new, tanh_c = (_peephole_step(z, c, *diag) if diag else
                                             _step(z, c))
                h_new = o * tanh_c
            saved.append((xh1, c, h, i, j, f, o, c_new, tanh_c))
            if masks is None:
                c, h = c_new, h_new
                outputs.append(h_new)
            else:  # TF1's where: a [B] condition picks whole rows
                c, h = tf.where(masks[t], c_new, c), tf.where(masks[t], h_new, h)
                outputs.append(tf.where(masks[t], h_new, tf.zeros_like(h_new)))

        def gradient(*grads):
            d_outputs, (d_c, d_h) = grads[:steps], grads[steps:]            # [B, H] each
            if masks is not None:
                keep = [tf.cast(m, dtype)[:, None] for m in masks]           # T x [B, 1]
            d_z = [None] * steps
            d_diag = [None] * steps  # per step: (dw_i, dw_f, dw_o), each [H], with peepholes
            for t in reversed(range(steps)):
                # Unused outputs (002 reads only the last) come as ZerosLike: no add for them.
                g = d_h if _is_zeros(d_outputs[t]) else d_h + d_outputs[t]
                d_c_in = d_c
                if masks is not None:
                    g, d_c_in = keep[t] * g, keep[t] * d_c
                d_c_prev, d_z[t], d_diag[t] = _step_gradient(saved[t], xs[t], kernel, bias,
                                                             peephole_weights, bool(diag),
                                                             d_c_in, g)
                d_h_prev = tf.matmul(d_z[t], w_h, transpose_b=True)          # [B, H]
                if masks is not None:  # past a row's end the state was copied through
                    d_h_prev += (1.0 - keep[t]) * d_h
                    d_c_prev += (1.0 - keep[t]) * d_c
                d_c, d_h = d_c_prev, d_h_prev

            d_z_all = tf.concat(d_z, 0)                                       # [T*B, 4H]
            xh1_all = tf.concat([s[0] for s in saved], 0)                     # [T*B, I + H + 1]
            d_kernel_1 = tf.matmul(xh1_all, d_z_all, transpose_a=True)        # [I + H + 1, 4H]
            d_x_all = tf.matmul(d_z_all, kernel[:input_depth], transpose_b=True)  # [T*B, I]
            d_xs = tf.split(d_x_all, steps, 0)                                # T x [B, I]
            d_diagonals = ([tf.add_n(list(steps_of_one)) for steps_of_one in
                            zip(*d_diag, strict=True)] if diag else [])     # 3 x [H]
            return (*d_xs, d_kernel_1[:-1], d_kernel_1[-1], d_c, d_h, *d_diagonals)

        return (*outputs, c, h), gradient

    results = layer(*inputs, kernel, bias, c0, h0, *diagonals)
    return list(results[:steps]), results[steps], results[steps + 1]


def _fused_ops(dtype, fused: bool | None):
    """The fused step's op library, or None: TensorFlow ops (``fused=False``, not float32, or
    not built here; ``fused=True`` then is a FastPathError saying why)."""
    if fused is False or dtype != tf.float32:
        if fused and dtype != tf.float32:
            raise FastPathError(f"the fused LSTM step is float32; got {dtype.name}")
        return None
    ops = fused_library()
    if ops is None and fused:
        raise FastPathError(fused_status())
    return ops


def _is_zeros(gradient) -> bool:
    """tf.gradients' stand-in for "no gradient" into an output of a multi-output op."""
    return gradient.op.type == "ZerosLike"


def _step(z, c_prev) -> tuple:
    """BasicLSTMCell's step from z [B, 4H] (forget_bias inside): (i, j, f, o, c_t, tanh c_t)."""
    z_i, z_j, z_f, z_o = tf.split(z, 4, axis=1)                              # [B, H] each
    i, j, f, o = tf.sigmoid(z_i), tf.tanh(z_j), tf.sigmoid(z_f), tf.sigmoid(z_o)
    c = f * c_prev + i * j
    return i, j, f, o, c, tf.tanh(c)


def _peephole_step(z, c_prev, w_i, w_f, w_o) -> tuple:
    """LSTMCell(use_peepholes=True)'s step, the same values as ``_step``'s."""
    z_i, z_j, z_f, z_o = tf.split(z, 4, axis=1)                              # [B, H] each
    i, j, f = tf.sigmoid(z_i + w_i * c_prev), tf.tanh(z_j), tf.sigmoid(z_f + w_f * c_prev)
    c = f * c_prev + i * j
    tanh_c = tf.tanh(c)
    return i, j, f, tf.sigmoid(z_o + w_o * c), c, tanh_c                     # o reads c_t


def _step_gradient(saved: tuple, x, kernel, bias, peephole_weights: tuple, use_peephole: bool,
                   d_c, g) -> tuple:
    """(dc_{t-1} before masking, dz_t [B, 4H], (dw_i, dw_f, dw_o) [H] each or None) from
    dc = d loss / d c_t and g = d loss / d h_t."""
    _, c_prev, h_prev, i, j, f, o, c, tanh_c = saved
    w_i, w_f, w_o = peephole_weights
    if x.dtype == tf.float32:
        # TensorFlow's C++ kernel for this step: the lines of the docstring, in one op (it
        # reads x, h_prev, kernel and bias only for their shapes). Its dicfo columns are
        # i, ci (= j), f, o: BasicLSTMCell's and LSTMCell's order.
        d_c_prev, d_z, d_w_i, d_w_f, d_w_o = tf.raw_ops.LSTMBlockCellGrad(
            x=x, cs_prev=c_prev, h_prev=h_prev, w=kernel, wci=w_i, wcf=w_f,
            wco=w_o, b=bias, i=i, cs=c, f=f, o=o, ci=j, co=tanh_c, cs_grad=d_c,
            h_grad=g, use_peephole=use_peephole)
        return d_c_prev, d_z, ((d_w_i, d_w_f, d_w_o) if use_peephole else None)
    # Other dtypes (the kernel exists for float32 and half only): the same lines as ops.
    if use_peephole:
        d_o = g * tanh_c * o * (1.0 - o)                                      # [B, H]
        d_c = d_c + g * o * (1.0 - tf.square(tanh_c)) + d_o * w_o
        d_i, d_f = d_c * j * i * (1.0 - i), d_c * c_prev * f * (1.0 - f)
        d_z = tf.concat([d_i, d_c * i * (1.0 - tf.square(j)), d_f, d_o], 1)
        d_diag = (tf.reduce_sum(d_i * c_prev, 0), tf.reduce_sum(d_f * c_prev, 0),
                  tf.reduce_sum(d_o * c, 0))
        return d_c * f + d_i * w_i + d_f * w_f, d_z, d_diag
    d_c = d_c + g * o * (1.0 - tf.square(tanh_c))
    d_z = tf.concat([d_c * j * i * (1.0 - i), d_c * i * (1.0 - tf.square(j)),
                     d_c * c_prev * f * (1.0 - f), g * tanh_c * o * (1.0 - o)], 1)
    return d_c * f, d_z, None
