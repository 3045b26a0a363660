// A WaveNet-style dilated causal convolution stack (van den Oord et al.
// 2016, "WaveNet: A Generative Model for Raw Audio", Section 2.1): kernel 2,
// dilations 1, 2, 4, ..., 512 repeated in B blocks; each block has a
// receptive field of 1,024 samples. Simplified to the dilated convolutions
// with c residual channels: the gated activation units and the 1×1
// residual/skip convolutions are left out, so the costs are those of the
// dilated stack itself.

nn.model @wavenet(%audio: !nn.seq<[b, n, c]>)
    symbols(b = 1, n = 16000, c = 64, B = 3) {
  %out = nn.repeat<B>(%x = %audio) : !nn.seq<[b, n, c]> {
    %y = nn.conv %x {kernel = 2, dilations = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], causal}
        : !nn.seq<[b, n, c]>
    nn.yield %y : !nn.seq<[b, n, c]>
  }
  nn.output %out : !nn.seq<[b, n, c]>
}
