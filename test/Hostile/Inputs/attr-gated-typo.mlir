// 'gate' for 'gated': a SwiGLU block silently priced with two matrices.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.ffn %x {hidden = 4*d, activation = "silu", gate} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
