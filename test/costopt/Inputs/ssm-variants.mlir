// Mamba mixers at the layer level: defaults (E = 2, Δ rank ⌈d/16⌉, kernel
// 4), explicit sizes, and an unbatched [n, d] input.

nn.model @mamba_defaults(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 1024, d = 64) {
  %s = nn.ssm %x {state = 16} : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}

nn.model @explicit(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 32, N = 8, k = 3) {
  %s = nn.ssm %x {state = N, expand = 1, dt_rank = 4, conv_kernel = k} : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}

nn.model @unbatched(%x: !nn.seq<[n, d]>) symbols(n = 1024, d = 32) {
  %s = nn.ssm %x {state = 4, conv_kernel = 2} : !nn.seq<[n, d]>
  nn.output %s : !nn.seq<[n, d]>
}

// A convolution of width 1 mixes no positions: the path is the scan's
// levels alone (the depth keeps the block's step).
nn.model @kernel_one(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 32) {
  %s = nn.ssm %x {state = 4, conv_kernel = 1} : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}
