// A Mistral-style stack: causal attention over a sliding window of r keys
// in each of L layers (Jiang et al. 2023, Section 2: "after k attention
// layers, information can move forward by up to k × W tokens").
nn.model @sliding(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 32768, d = 4096, h = 32, r = 4096, L = 4)
    where (d mod h == 0, r <= n) {
  %y = nn.repeat<L>(%h0 = %x) : !nn.seq<[b, n, d]> {
    %a = nn.attention %h0 {heads = h, window = r, causal} : !nn.seq<[b, n, d]>
    nn.yield %a : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
