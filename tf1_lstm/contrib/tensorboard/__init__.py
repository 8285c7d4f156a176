"""``tf.contrib.tensorboard`` on TensorFlow 2.21: the embedding projector (``plugins.projector``).

    from tensorflow.contrib.tensorboard.plugins import projector
    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = embedding_var.name
    embedding.metadata_path = "metadata.tsv"
    projector.visualize_embeddings(tf.summary.FileWriter(log_dir), config)

The projector lives on in the ``tensorboard`` package; ``plugins.projector`` serves it.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.tensorboard import plugins

__all__ = ["plugins"]

__getattr__ = _missing_name_hook("tensorboard", __all__)
