// Kernels are sizes: at least 1.
nn.model @bad(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %a = nn.conv %x {kernel = -3} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
