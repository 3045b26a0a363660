// Every size 1: b = n = d = h = 1. Causal attention: Q 2, K and V 4, output 2,
// biases 4, QKᵀ 2, softmax 4, AV 2: 20 FLOPs; params 4 + 4 = 8.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1, d = 1, h = 1) where (d mod h == 0) {
  %y = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
