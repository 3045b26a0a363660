// Causal attention over a window of r keys, with no r <= n rule: verify.test
// runs it at n below, at and above the window (the band's count is
// n + S(min(r - 1, n - 1)) either way).
nn.model @window_boundary(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 16, d = 16, h = 2, r = 8) where (d mod h == 0) {
  %y = nn.attention %x {heads = h, window = r, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
