// The big Transformer of "Attention Is All You Need" (Vaswani et al. 2017,
// Table 3, row "big"): N = 6 encoder and 6 decoder layers, d_model = 1024,
// d_ff = 4096, h = 16 heads (d_k = d_v = 64), post-layer-norm residual blocks,
// sinusoidal positions, one shared BPE vocabulary (37,000 tokens on WMT14
// En-De) whose table also serves the decoder and the pre-softmax projection
// (Section 3.4). Dropout does not change the counts and is not modelled.
//
// costopt counts 214,245,376 parameters; the paper's Table 3 says 213M. Sizes b, n (source) and m (target) are symbols
// with defaults, so `costopt transformer-base.mlir` prints numbers and
// `-D n=4096` asks "what if".

nn.model @transformer_big(%src: !nn.tokens<[b, n]>, %tgt: !nn.tokens<[b, m]>)
    symbols(b = 1, n = 512, m = 512, d = 1024, h = 16, dff = 4096, V = 37000, N = 6)
    where (d mod h == 0) {
  // Encoder.
  %src_emb = nn.embedding %src {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %src_pos = nn.positional %src_emb {kind = "sinusoidal"} : !nn.seq<[b, n, d]>
  %memory = nn.repeat<N>(%x = %src_pos) : !nn.seq<[b, n, d]> {
    %attn = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>
    %norm1 = nn.layer_norm %res1 : !nn.seq<[b, n, d]>
    %ffn = nn.ffn %norm1 {hidden = dff, activation = "relu"} : !nn.seq<[b, n, d]>
    %res2 = nn.add %norm1, %ffn : !nn.seq<[b, n, d]>
    %norm2 = nn.layer_norm %res2 : !nn.seq<[b, n, d]>
    nn.yield %norm2 : !nn.seq<[b, n, d]>
  }

  // Decoder: masked self-attention, attention over the encoder's output,
  // feed-forward.
  %tgt_emb = nn.embedding %tgt {vocab = V, tied} : !nn.tokens<[b, m]> -> !nn.seq<[b, m, d]>
  %tgt_pos = nn.positional %tgt_emb {kind = "sinusoidal"} : !nn.seq<[b, m, d]>
  %decoded = nn.repeat<N>(%y = %tgt_pos) : !nn.seq<[b, m, d]> {
    %self = nn.attention %y {heads = h, causal} : !nn.seq<[b, m, d]>
    %res1 = nn.add %y, %self : !nn.seq<[b, m, d]>
    %norm1 = nn.layer_norm %res1 : !nn.seq<[b, m, d]>
    %cross = nn.attention %norm1, %memory {heads = h} : !nn.seq<[b, m, d]>, !nn.seq<[b, n, d]>
    %res2 = nn.add %norm1, %cross : !nn.seq<[b, m, d]>
    %norm2 = nn.layer_norm %res2 : !nn.seq<[b, m, d]>
    %ffn = nn.ffn %norm2 {hidden = dff, activation = "relu"} : !nn.seq<[b, m, d]>
    %res3 = nn.add %norm2, %ffn : !nn.seq<[b, m, d]>
    %norm3 = nn.layer_norm %res3 : !nn.seq<[b, m, d]>
    nn.yield %norm3 : !nn.seq<[b, m, d]>
  }
  %logits = nn.unembedding %decoded {vocab = V, tied} : !nn.seq<[b, m, d]> -> !nn.seq<[b, m, V]>
  nn.output %logits : !nn.seq<[b, m, V]>
}
