nn.model @layers(%x: !nn.seq<[b, n, d]>) symbols(b, k, n, d, h) where (d mod h == 0, k >= 2) {
  %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  %r = nn.recurrent %a {cell = "elman", hidden = d} : !nn.seq<[b, n, d]>
  %c = nn.conv %r {kernel = k, causal} : !nn.seq<[b, n, d]>
  nn.output %c : !nn.seq<[b, n, d]>
}
