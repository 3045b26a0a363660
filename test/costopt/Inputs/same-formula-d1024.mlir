// Two models named @full with the same formulas and different defaults:
// the comparison must not call them equal.
nn.model @full(%x: !nn.seq<[n, d]>) symbols(n = 4096, d = 1024) {
  %y = nn.attention %x {heads = 1, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
