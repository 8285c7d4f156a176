"""Feeding a decoder its own previous output: TF 1.15's loop function, and its tf.cond.

``feed_previous=True`` turns a decoder greedy: step i > 0 ignores ``decoder_inputs[i]`` and
reads the symbol it predicted at step i - 1 instead (the setting of Bengio et al.'s scheduled
sampling, https://arxiv.org/abs/1506.03099, with probability 1)::

    prev_symbol = argmax_c(prev @ W + B)       # [B]     (W, B: output_projection, if given)
    next_input  = embedding[prev_symbol]       # [B, E]  (stop_gradient unless update_embedding)

``feed_previous`` may also be a scalar boolean *tensor*. TF 1.15 then built the decoder twice,
greedy first (it creates the variables) and fed second (reusing them), and let ``tf.cond``
pick one at run time: both branches return ``outputs + flatten(state)``, and the state is
packed back into its structure afterwards. ``decode_both_ways`` is that, shared by the four
models with the option.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2

__all__ = ["extract_argmax_and_embed", "decode_both_ways"]

_nest = _tf2.nest


def extract_argmax_and_embed(embedding, output_projection=None,
                             update_embedding: bool = True) -> Callable:
    """TF 1.15's ``_extract_argmax_and_embed``: the greedy ``loop_function(prev, i)``."""

    def loop_function(prev, _):
        if output_projection is not None:
            prev = _v1.nn.xw_plus_b(prev, output_projection[0], output_projection[1])  # [B, C]
        prev_symbol = _v1.argmax(prev, 1)                                            # [B]
        # No gradient reaches the argmax; update_embedding=False also stops it at the rows.
        emb_prev = _v1.nn.embedding_lookup(embedding, prev_symbol)                  # [B, E]
        if not update_embedding:
            emb_prev = _v1.stop_gradient(emb_prev)
        return emb_prev

    return loop_function


def decode_both_ways(feed_previous, decoder: Callable[[bool], tuple], num_outputs: int,
                     state_structure: Callable[[], object]) -> tuple[list, object]:
    """(outputs, state) of ``decoder(True)`` or ``decoder(False)``, chosen by the boolean
    tensor ``feed_previous`` at run time. ``decoder(True)`` is built first, in the caller's
    variable scope as it is (creating the variables); ``decoder(False)`` reuses them.
    ``state_structure()`` gives what the flat state is packed back into (TF 1.15 used the
    encoder's state, or the cell's zero state), called after the cond is built."""

    def flat_branch(feed_previous_bool: bool) -> list:
        reuse = None if feed_previous_bool else True
        with _v1.variable_scope(_v1.get_variable_scope(), reuse=reuse):
            outputs, state = decoder(feed_previous_bool)
        return list(outputs) + _nest.flatten(state)

    outputs_and_state = _v1.cond(feed_previous, lambda: flat_branch(True),
                                 lambda: flat_branch(False))
    state_list = outputs_and_state[num_outputs:]
    state = state_list[0]
    structure = state_structure()
    if _nest.is_nested(structure):
        state = _nest.pack_sequence_as(structure=structure, flat_sequence=state_list)
    return outputs_and_state[:num_outputs], state
