// 'activaton' for 'activation': relu silently becomes the default.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.ffn %x {hidden = 4*d, activaton = "relu"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
