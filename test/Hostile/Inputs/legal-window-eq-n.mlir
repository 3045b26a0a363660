// A centred window as long as the sequence (8): w = 8, a = 3, c = 4,
// S = 64 - 6 - 10 = 48 pairs: 1,152 + 2·4·48 + 4·48 + 2·4·48 = 2,112 FLOPs.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, window = n} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
