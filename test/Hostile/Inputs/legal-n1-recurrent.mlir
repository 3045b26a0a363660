// An Elman RNN over a single step (n = 1), d = hidden = 2: input 2·1·2·2 = 8,
// recurrent 8, biases 4, tanh 2: 22 FLOPs; params 2·2 + 2·2 + 2·2 = 12.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1, d = 2) {
  %y = nn.recurrent %x {cell = "elman", hidden = d} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
