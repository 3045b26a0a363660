#!/usr/bin/env python3
"""Exports the TensorFlow models of test/Import/Onnx with tf2onnx, as a
researcher would, with random weights (kept inline: they are small).
Needs tensorflow and tf2onnx (written with TensorFlow 2.21, tf2onnx 1.17):

    python3 export.py            # writes *.onnx next to this script

tf.scan over the time axis becomes an ONNX Loop that carries its own
counters and the weights and computes its condition from the counters.
tf2onnx names the dynamic axes unk__N: the tests pass --sequence.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
tf.random.set_seed(0)
H = 8
Wx = tf.Variable(tf.random.normal([4, H]))
Wh = tf.Variable(tf.random.normal([H, H]))
bias = tf.Variable(tf.random.normal([H]))


@tf.function(input_signature=[tf.TensorSpec([None, None, 4], tf.float32, name="x")])
def scan_rnn(x):
    """An Elman recurrence over [batch, time, 4] written with tf.scan."""
    xs = tf.transpose(x, [1, 0, 2])
    h0 = tf.zeros([tf.shape(x)[0], H])
    hs = tf.scan(lambda h, xt: tf.tanh(xt @ Wx + h @ Wh + bias), xs, initializer=h0)
    return tf.transpose(hs, [1, 0, 2])


if __name__ == "__main__":
    tf2onnx.convert.from_function(scan_rnn, input_signature=scan_rnn.input_signature, opset=17,
                                  output_path=os.path.join(HERE, "tf-scan-rnn.onnx"))
