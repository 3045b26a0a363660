// A Longformer-style encoder (Beltagy, Peters & Cohan 2020, "Longformer:
// The Long-Document Transformer", Sections 3 and 4): RoBERTa-base sizes
// (12 layers, d = 768, 12 heads, d_ff = 3072, 50,265 tokens), 4,096
// positions, and sliding-window attention of w = 512 keys centred on each
// query (256 on each side). The few task-specific global-attention tokens
// are not modelled: they add O(n·d) per global token.

nn.model @longformer(%tokens: !nn.tokens<[b, n]>)
    symbols(b = 1, n = 4096, d = 768, h = 12, dff = 3072, V = 50265, P = 4098, w = 512, L = 12)
    where (d mod h == 0, w <= n) {
  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %pos = nn.positional %emb {max_len = P} : !nn.seq<[b, n, d]>
  %x0 = nn.layer_norm %pos : !nn.seq<[b, n, d]>
  %out = nn.repeat<L>(%x = %x0) : !nn.seq<[b, n, d]> {
    %attn = nn.attention %x {heads = h, window = w} : !nn.seq<[b, n, d]>
    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>
    %ln1 = nn.layer_norm %res1 : !nn.seq<[b, n, d]>
    %ffn = nn.ffn %ln1 {hidden = dff, activation = "gelu"} : !nn.seq<[b, n, d]>
    %res2 = nn.add %ln1, %ffn : !nn.seq<[b, n, d]>
    %ln2 = nn.layer_norm %res2 : !nn.seq<[b, n, d]>
    nn.yield %ln2 : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}
