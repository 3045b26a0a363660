// top_k = experts = 2, hidden 1, relu, no biases, d = 2, n = 1:
// router 2·1·2·2 = 8, softmax 6, experts 2·(4·1·2·1) = 16, relu 2, combine 8: 40 FLOPs.
// Params 2·(2·2·1) + 2·2 = 12.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1, d = 2) {
  %y = nn.moe %x {experts = 2, top_k = 2, hidden = 1, activation = "relu", no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
