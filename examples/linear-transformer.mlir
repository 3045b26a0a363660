// A causal linear-attention Transformer (Katharopoulos, Vyas, Pappas &
// Fleuret 2020, "Transformers are RNNs: Fast Autoregressive Transformers with
// Linear Attention"): attention φ(Q)(φ(K)ᵀV) with φ(x) = elu(x) + 1 (their
// Eq. 7), computed causally with running sums (Section 3.3), so cost is
// linear in n and decoding keeps a d_k × d_k state per head instead of a KV
// cache. Sizes are those of their autoregressive image-generation models
// (Section 4.2.1: 8 layers, 8 heads, d = 256 per layer, d_ff = 1024).

nn.model @linear_transformer(%x0: !nn.seq<[b, n, d]>)
    symbols(b = 1, n = 3072, d = 256, h = 8, dff = 1024, L = 8)
    where (d mod h == 0) {
  %out = nn.repeat<L>(%x = %x0) : !nn.seq<[b, n, d]> {
    %attn = nn.attention %x {heads = h, kind = "linear", feature_map = "elu+1", causal} : !nn.seq<[b, n, d]>
    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>
    %ln1 = nn.layer_norm %res1 : !nn.seq<[b, n, d]>
    %ffn = nn.ffn %ln1 {hidden = dff, activation = "gelu"} : !nn.seq<[b, n, d]>
    %res2 = nn.add %ln1, %ffn : !nn.seq<[b, n, d]>
    %ln2 = nn.layer_norm %res2 : !nn.seq<[b, n, d]>
    nn.yield %ln2 : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}
