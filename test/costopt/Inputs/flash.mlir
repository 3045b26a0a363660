// One causal FlashAttention layer at GPT-2 small's sizes, for flash.test.
nn.model @flash(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 768, h = 12)
    where (d mod h == 0) {
  %a = nn.attention %x {heads = h, causal, flash, no_bias} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
