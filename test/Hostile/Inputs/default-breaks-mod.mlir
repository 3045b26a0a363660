// The defaults break the model's own rule: 3 does not divide 512.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 512, h = 3)
    where (d mod h == 0) {
  %y = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
