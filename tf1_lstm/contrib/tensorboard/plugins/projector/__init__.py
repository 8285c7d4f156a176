"""``tf.contrib.tensorboard.plugins.projector``: TF 1.15's embedding-projector API.

``ProjectorConfig``, ``EmbeddingInfo``, ``SpriteMetadata``: the config messages
(``projector_config_pb2``, tensorboard's copy). ``visualize_embeddings(summary_writer,
config)``: writes ``config`` as text to ``projector_config.pbtxt`` in the writer's logdir,
where TensorBoard's projector looks for it. It is tensorboard's own function, which does
what TF 1.15's did and also accepts the logdir as a path.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tensorboard.plugins.projector import visualize_embeddings

from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.tensorboard.plugins.projector import projector_config_pb2
from tf1_lstm.contrib.tensorboard.plugins.projector.projector_config_pb2 import (
    EmbeddingInfo,
    ProjectorConfig,
    SpriteMetadata,
)

__all__ = ["ProjectorConfig", "EmbeddingInfo", "SpriteMetadata", "visualize_embeddings",
           "projector_config_pb2"]

__getattr__ = _missing_name_hook("tensorboard.plugins.projector", __all__)
