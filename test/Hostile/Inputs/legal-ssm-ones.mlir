// A Mamba block with every option 1 (state, expand, dt_rank, conv_kernel), d = 2, n = 1:
// in-proj 16, conv 6, SiLU 8, x-proj 12, Δ 8, scan 16, gate 6, out-proj 8: 80 FLOPs;
// params 8 + 2 + 2 + 6 + 2 + 2 + 2 + 2 + 4 = 30.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1, d = 2) {
  %y = nn.ssm %x {state = 1, expand = 1, dt_rank = 1, conv_kernel = 1} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
