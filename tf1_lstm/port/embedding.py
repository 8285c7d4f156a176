"""The embedding in front of the RNN: integer ids looked up in a table, x = table[ids].

Language models, taggers and classifiers of the TF1 years feed the RNN through a lookup::

    embedding = tf.get_variable("embedding", [vocab_size, embed_dim])   # [V, E]
    x = tf.nn.embedding_lookup(embedding, ids)                          # [B, T] -> [B, T, E]
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)      # E = layer 0's I

A ported model without it takes x, not ids, and computes something else from what users
feed it. So the table is found and ported (Keras ``Embedding``, ``nn.Embedding``, ONNX
``Gather``): the one 2-D variable [V, I] outside the RNN whose name says embedding
(``embedding``, ``embeddings``, ``word_embedding``, ``emb_matrix``, ...), or the one the
``.meta`` graph gathers into the RNN's input (``graph_proof.embedding_in_graph``), or the one
``--embedding NAME`` names; ``--embedding none`` ports the RNN from x.

A one-hot input (``tf.one_hot(ids, V)``, document 004) has no variable: it stays outside
the port, which takes the one-hot x.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from tf1_lstm.port.errors import AmbiguousGraph

_EMBEDDING_NAME = re.compile(r"(^|[/_])(embedding|embeddings|emb|embed|embedding_matrix|"
                             r"word_embedding|emb_matrix|lookup_table)s?$", re.IGNORECASE)


@dataclass(frozen=True)
class Embedding:
    """x = table[ids]: ``tf.nn.embedding_lookup(table, ids)``."""

    name: str
    table: np.ndarray  # [V, E]


def find_embedding(variables: Mapping[str, tuple[int, ...]], used: set[str], input_size: int,
                   option: str | None, read: Callable[[str], np.ndarray]) -> Embedding | None:
    """The embedding among ``variables`` minus the RNN's (``used``); None if there is none.

    ``option`` is --embedding: a variable name, "none", or None to find it by name and shape.
    """
    if option is not None and option.strip().lower() == "none":
        return None
    if option:
        name = option.strip()
        shape = variables.get(name)
        if shape is None or len(shape) != 2 or shape[1] != input_size:
            found = list(shape) if shape else "not in the checkpoint"
            raise AmbiguousGraph(f"--embedding {name}: expected a [vocabulary, {input_size}] "
                                 f"variable (layer 0 reads {input_size} inputs); it is {found}")
        return Embedding(name, np.asarray(read(name), dtype=np.float32))
    named = [name for name, shape in variables.items()
             if name not in used and len(shape) == 2 and shape[1] == input_size
             and _EMBEDDING_NAME.search(name.rsplit("/", 1)[-1])]
    if len(named) > 1:
        raise AmbiguousGraph(f"several variables could be the embedding [vocabulary, "
                             f"{input_size}]: {', '.join(named)}. Pick one with --embedding "
                             f"NAME (or --embedding none)")
    return Embedding(named[0], np.asarray(read(named[0]), dtype=np.float32)) if named else None
