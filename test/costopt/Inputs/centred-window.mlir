// A centred (non-causal) window: the band is clipped at both ends with
// floor/ceil((r - 1)/2) on each side; Table 1 still shows its regime's class.
nn.model @centred(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 4096, d = 512, h = 8, r = 255)
    where (d mod h == 0) {
  %a = nn.attention %x {heads = h, window = r} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
