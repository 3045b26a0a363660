// Mixtral 8x7B (Jiang et al. 2024, "Mixtral of Experts", Table 1): 32
// layers, d = 4096, 32 query heads sharing 8 key/value heads (head size
// 128), rotary positions, a context of 32,768, vocabulary 32,000, and in
// every layer 8 SwiGLU experts of hidden size 14,336 of which each token
// uses 2. costopt counts 46,702,792,704 parameters (the paper: 47B total,
// 13B active per token).

nn.model @mixtral_8x7b(%tokens: !nn.tokens<[b, n]>)
    symbols(b = 1, n = 32768, d = 4096, h = 32, g = 8, dff = 14336, E = 8, K = 2, V = 32000, L = 32)
    where (d mod h == 0, d mod (2*h) == 0, h mod g == 0, g <= h, K <= E) {
  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %blocks = nn.repeat<L>(%x = %emb) : !nn.seq<[b, n, d]> {
    %norm1 = nn.rms_norm %x : !nn.seq<[b, n, d]>
    %attn = nn.attention %norm1 {heads = h, kv_heads = g, causal, rotary, no_bias} : !nn.seq<[b, n, d]>
    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>
    %norm2 = nn.rms_norm %res1 : !nn.seq<[b, n, d]>
    %moe = nn.moe %norm2 {experts = E, top_k = K, hidden = dff, activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
    %res2 = nn.add %res1, %moe : !nn.seq<[b, n, d]>
    nn.yield %res2 : !nn.seq<[b, n, d]>
  }
  %normf = nn.rms_norm %blocks : !nn.seq<[b, n, d]>
  %logits = nn.unembedding %normf {vocab = V} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %logits : !nn.seq<[b, n, V]>
}
