// Mamba-130m (Gu & Dao 2023, "Mamba: Linear-Time Sequence Modeling with
// Selective State Spaces", Table 12 and the state-spaces/mamba-130m
// checkpoint): 24 residual blocks of RMSNorm + selective-scan mixer with
// d = 768, state N = 16, expansion E = 2, Δ rank ceil(d/16) = 48, causal
// convolution width 4; vocabulary 50,277 padded to 50,280; LM head tied to
// the embedding. costopt counts 129,135,360 parameters.

nn.model @mamba_130m(%tokens: !nn.tokens<[b, n]>)
    symbols(b = 1, n = 2048, d = 768, V = 50280, L = 24) {
  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %blocks = nn.repeat<L>(%x = %emb) : !nn.seq<[b, n, d]> {
    %norm = nn.rms_norm %x : !nn.seq<[b, n, d]>
    %mix = nn.ssm %norm {state = 16, expand = 2, dt_rank = 48, conv_kernel = 4} : !nn.seq<[b, n, d]>
    %res = nn.add %x, %mix : !nn.seq<[b, n, d]>
    nn.yield %res : !nn.seq<[b, n, d]>
  }
  %normf = nn.rms_norm %blocks : !nn.seq<[b, n, d]>
  %logits = nn.unembedding %normf {vocab = V, tied} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %logits : !nn.seq<[b, n, V]>
}
