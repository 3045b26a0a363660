// A UTF-8 byte-order mark, as some Windows editors save files.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  nn.output %x : !nn.seq<[b, n, d]>
}
