// Causal attention over a window of 1 key: each query sees itself only, S = n = 8.
// Projections 256 + 512 + 256, biases 128, QKᵀ 64, softmax 32, AV 64: 1,312 FLOPs;
// params 64 + 16 = 80.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, window = 1, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
