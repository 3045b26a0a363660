// A "same" convolution whose kernel (16) exceeds the sequence (8): every tap is
// computed, padded ones included: 2·16·8·4·4 = 4,096 + bias 32 = 4,128 FLOPs;
// params 16·4·4 + 4 = 260.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 16} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
