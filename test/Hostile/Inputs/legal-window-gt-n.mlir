// A causal window longer than the sequence (16 > 8): min(16, 8) = 8, S = n(n+1)/2 = 36:
// 1,152 + 288 + 144 + 288 = 1,872 FLOPs, exactly as plain causal attention.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, window = 16, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
