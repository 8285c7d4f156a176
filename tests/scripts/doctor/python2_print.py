import tensorflow as tf

print "tf.mul is", tf.mul
