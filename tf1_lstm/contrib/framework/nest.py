"""``tf.contrib.framework.nest``: TF 1.15's nested-structure functions under their TF1 names.

TF 1.15's ``tf.contrib.framework.nest`` was ``tensorflow.python.util.nest`` with the names
below left public; TF 2.21's module has every one of them with the same signature and
semantics (lists, tuples, namedtuples, dicts sorted by key, attrs classes; strings and
NumPy arrays are leaves), so these are its very functions. The one rename:
``is_sequence`` (TF 1.15) is ``is_nested`` in TF 2.21, the same test under a new name.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tensorflow.python.util.nest import (  # noqa: F401 - served names
    assert_same_structure,
    assert_shallow_structure,
    flatten,
    flatten_dict_items,
    flatten_up_to,
    flatten_with_joined_string_paths,
    flatten_with_tuple_paths,
    flatten_with_tuple_paths_up_to,
    get_traverse_shallow_structure,
    is_nested,
    is_sequence_or_composite,
    map_structure,
    map_structure_up_to,
    map_structure_with_paths,
    map_structure_with_tuple_paths,
    map_structure_with_tuple_paths_up_to,
    pack_sequence_as,
    yield_flat_paths,
)

from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook

is_sequence = is_nested  # TF 1.15: is_nested(seq) was `return is_sequence(seq)`

# TF 1.15's _nest_allowed_symbols, in its order.
__all__ = [
    "assert_same_structure", "is_nested", "is_sequence", "is_sequence_or_composite",
    "flatten", "flatten_dict_items", "pack_sequence_as", "map_structure",
    "map_structure_with_paths", "map_structure_with_tuple_paths", "assert_shallow_structure",
    "flatten_up_to", "flatten_with_tuple_paths_up_to", "map_structure_up_to",
    "map_structure_with_tuple_paths_up_to", "get_traverse_shallow_structure",
    "yield_flat_paths", "flatten_with_joined_string_paths", "flatten_with_tuple_paths",
]

__getattr__ = _missing_name_hook("framework.nest", __all__)
