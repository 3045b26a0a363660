// A recurrent layer four times as wide as its input (compare.test): its
// FLOPs cross those of attention on the same input near n = 8·d.
nn.model @rnn(%x: !nn.seq<[n, d]>) symbols(n = 64, d = 512) {
  %y = nn.recurrent %x {cell = "elman", hidden = 4*d} : !nn.seq<[n, d]> -> !nn.seq<[n, 4*d]>
  nn.output %y : !nn.seq<[n, 4*d]>
}
