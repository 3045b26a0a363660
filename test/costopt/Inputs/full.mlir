nn.model @full(%x: !nn.seq<[n, d]>) symbols(n = 4096, d) {
  %y = nn.attention %x {heads = 1, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
