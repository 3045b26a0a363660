// A convolution whose stride is a symbol: an index map multiplies a
// dimension by an integer only, so it has no primitive form yet and stays
// a layer, which does not lower.
nn.model @strided(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 64, d = 8, s = 2) {
  %y = nn.conv %x {kernel = 3, stride = s, causal} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/s), d]>
  nn.output %y : !nn.seq<[b, ceil(n/s), d]>
}
