// One model per variant of nn.conv, each decomposed into primitives and
// run by verify-conv.test (counts against the prediction, values against
// the reference evaluator; the value check reads the first output). The
// defaults put the kernel's reach near or past the sequence (padding on
// both sides, reads beyond the end), and odd lengths under strides.

// Centred ("same"), odd kernel: one zero before and after.
nn.model @centred(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 7, d = 4) {
  %y = nn.conv %x {kernel = 3} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Centred, even dilated kernel: 3·floor(3/2) = 3 zeros before, 6 after,
// more than the 5 positions.
nn.model @centred_even_dilated(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 5, d = 3) {
  %y = nn.conv %x {kernel = 4, dilation = 3, no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Centred with a symbolic kernel: the padding floor((k - 1)/2) is a size.
nn.model @centred_symbolic(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 9, d = 4, k = 4) {
  %y = nn.conv %x {kernel = k} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Causal, more output channels than input ones, a dilation.
nn.model @causal_wider(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 9, d = 3, k = 3) {
  %y = nn.conv %x {kernel = k, dilation = 2, causal} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %y : !nn.seq<[b, n, 2*d]>
}

// Strided, centred: ceil(9/2) = 5 outputs.
nn.model @strided(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 9, d = 4) {
  %y = nn.conv %x {kernel = 3, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  nn.output %y : !nn.seq<[b, ceil(n/2), d]>
}

// Strided, causal, symbolic kernel: ceil(10/3) = 4 outputs.
nn.model @strided_causal(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 10, d = 4, k = 5) {
  %y = nn.conv %x {kernel = k, stride = 3, causal, no_bias} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/3), d]>
  nn.output %y : !nn.seq<[b, ceil(n/3), d]>
}

// "valid": no padding, n - 4 outputs of a dilated kernel.
nn.model @valid(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 9, d = 4) where (n >= 5) {
  %y = nn.conv %x {kernel = 3, dilation = 2, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 4, d]>
  nn.output %y : !nn.seq<[b, n - 4, d]>
}

// "valid" and strided: floor((10 - 3)/2) + 1 = 4 outputs.
nn.model @valid_strided(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 10, d = 4) where (n >= 3) {
  %y = nn.conv %x {kernel = 3, stride = 2, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, floor((n - 3)/2) + 1, d]>
  nn.output %y : !nn.seq<[b, floor((n - 3)/2) + 1, d]>
}

// Depthwise: each channel alone, kernels [d, 1, k].
nn.model @depthwise(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 5, k = 3) {
  %y = nn.conv %x {kernel = k, depthwise, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// groups = d is depthwise too.
nn.model @groups_all(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 3, groups = d, no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Two groups, widening: each half of the channels to its own d outputs.
nn.model @grouped(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 7, d = 4) where (d mod 2 == 0) {
  %y = nn.conv %x {kernel = 3, groups = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %y : !nn.seq<[b, n, 2*d]>
}

// Separable, strided, narrowing: depthwise taps, then a pointwise d → d/2.
nn.model @separable_strided(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 9, d = 4) where (d mod 2 == 0) {
  %y = nn.conv %x {kernel = 3, stride = 2, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d/2]>
  nn.output %y : !nn.seq<[b, ceil(n/2), d/2]>
}

// A separable dilation stack: one depthwise and pointwise pair per layer.
nn.model @separable_stack(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 3) {
  %y = nn.conv %x {kernel = 3, dilations = [1, 2], separable, no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Two batch axes before the positions.
nn.model @batched(%x: !nn.seq<[a, b, n, d]>) symbols(a = 2, b = 3, n = 6, d = 2) {
  %y = nn.conv %x {kernel = 2, causal} : !nn.seq<[a, b, n, d]>
  nn.output %y : !nn.seq<[a, b, n, d]>
}
