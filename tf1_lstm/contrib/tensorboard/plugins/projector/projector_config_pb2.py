"""``...projector.projector_config_pb2``: tensorboard's copy of TF 1.15's projector messages.

TF 1.15's ``projector_config.proto`` (package ``tensorflow``) and tensorboard's (package
``tensorboard.projector``) have the same messages, fields and field numbers, so their text
(``projector_config.pbtxt``) and binary forms are the same.
"""

from tensorboard.plugins.projector.projector_config_pb2 import (  # noqa: F401 - served
    DESCRIPTOR,
    EmbeddingInfo,
    ProjectorConfig,
    SpriteMetadata,
)

__all__ = ["ProjectorConfig", "EmbeddingInfo", "SpriteMetadata", "DESCRIPTOR"]
