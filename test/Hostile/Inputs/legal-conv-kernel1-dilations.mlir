// Three stacked 1×1 convolutions written as a dilation schedule 1, k, k² with k = 1.
// Per layer 288 FLOPs and 20 parameters: 864 FLOPs, 60 parameters.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 1, dilations = [1, 1, 1], causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
