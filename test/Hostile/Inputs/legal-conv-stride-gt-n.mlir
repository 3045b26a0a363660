// Stride 16 over 8 positions: ceil(8/16) = 1 output position; 100 FLOPs, 52 params.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 3, stride = 16} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/16), d]>
  nn.output %y : !nn.seq<[b, ceil(n/16), d]>
}
