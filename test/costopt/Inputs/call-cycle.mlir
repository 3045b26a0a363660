nn.model @a(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %y = nn.call @b(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

nn.model @b(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %y = nn.call @a(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

nn.model @top(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2, d = 3) {
  %y = nn.call @a(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
