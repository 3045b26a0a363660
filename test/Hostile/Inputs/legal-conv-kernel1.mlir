// A 1×1 convolution (kernel = 1): legal, a position-wise matmul.
// b = 1, n = 8, d = 4: taps 2·k·n·d·d = 256, bias n·d = 32; params k·d·d + d = 20.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 1} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
