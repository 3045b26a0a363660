// As many heads as the width (d_k = 1), with one K/V head: d = h = 4, g = 1, n = 2.
// Q 2·2·4·4·1 = 64, K and V 4·2·4·1·1 = 32, output 64, biases 8 + 4 + 8 = 20,
// S = 3 pairs per head: QKᵀ 2·4·3·1 = 24, softmax 48, AV 24: 276 FLOPs.
// Params 16 + 8 + 16 + (4 + 2 + 4) = 50.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2, d = 4) where (d mod 4 == 0) {
  %y = nn.attention %x {heads = 4, kv_heads = 1, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
