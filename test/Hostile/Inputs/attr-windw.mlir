// 'windw' for 'window': full attention would silently be priced.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, r = 2) {
  %y = nn.attention %x {heads = 1, windw = r, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
