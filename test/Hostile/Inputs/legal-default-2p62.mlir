// d = 2^62 fits in 63 bits. LayerNorm: 7·b·n·d = 32,281,802,128,991,715,328 FLOPs,
// 2·d = 9,223,372,036,854,775,808 params.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1, d = 4611686018427387904) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
