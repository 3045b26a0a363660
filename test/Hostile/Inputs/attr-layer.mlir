// 'layer' for 'layers': a 2-layer LSTM silently priced as 1 layer.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.recurrent %x {cell = "lstm", hidden = d, layer = 2} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
