// kernel = k at its declared lower bound, k = 2 with 'k >= 2' (the shape of
// examples/table1.mlir's @convolution): 2·2·8·4·4 = 512 + bias 32 = 544 FLOPs,
// params 2·4·4 + 4 = 36.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, k = 2) where (k >= 2) {
  %y = nn.conv %x {kernel = k} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
