// 'kv_head' for 'kv_heads': grouped-query attention silently becomes multi-head.
nn.model @m(%x: !nn.seq<[b, n, 8]>) symbols(b = 1, n = 8) {
  %y = nn.attention %x {heads = 4, kv_head = 2, causal} : !nn.seq<[b, n, 8]>
  nn.output %y : !nn.seq<[b, n, 8]>
}
