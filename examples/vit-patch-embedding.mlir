// ViT-B/16's encoder (Dosovitskiy et al. 2021) with its 16×16 patch
// embedding written from primitives: a 2-D strided convolution is a
// contraction whose image index is i·16 + u. The image is an !nn.tensor
// (it has no sequence axis); the patches become the sequence. The class
// token and the classification head are left out: costopt counts
// 85,797,120 parameters, which is timm's vit_base_patch16_224 (86,567,656)
// less the head (769,000), the class token (768) and its position row (768).

nn.model @vit_b16(%img: !nn.tensor<[b, H, W, c]>)
    symbols(b = 1, H = 224, W = 224, c = 3, d = 768, h = 12, L = 12)
    where (H mod 16 == 0, W mod 16 == 0, H*W mod 256 == 0, d mod h == 0) {
  %w = nn.param : !nn.tensor<[16, 16, c, d]>
  %bias = nn.param : !nn.tensor<[d]>
  // patches[b, i, j, o] = Σ_{u, v, k} img[b, 16i + u, 16j + v, k] · w[u, v, k, o] + bias[o]
  %p = nn.contract %img, %w, %bias {indexing_maps = [
         affine_map<(b, i, j, o, u, v, k) -> (b, i * 16 + u, j * 16 + v, k)>,
         affine_map<(b, i, j, o, u, v, k) -> (u, v, k, o)>,
         affine_map<(b, i, j, o, u, v, k) -> (b, i, j, o)>]}
      : !nn.tensor<[b, H, W, c]>, !nn.tensor<[16, 16, c, d]>, !nn.tensor<[d]>
        -> !nn.tensor<[b, H/16, W/16, d]>
  %x = nn.reshape %p : !nn.tensor<[b, H/16, W/16, d]> -> !nn.seq<[b, H*W/256, d]>
  %pos = nn.positional %x {kind = "learned", max_len = H*W/256} : !nn.seq<[b, H*W/256, d]>
  %y = nn.repeat<L>(%z = %pos) : !nn.seq<[b, H*W/256, d]> {
    %n1 = nn.layer_norm %z : !nn.seq<[b, H*W/256, d]>
    %a = nn.attention %n1 {heads = h} : !nn.seq<[b, H*W/256, d]>
    %s1 = nn.add %z, %a : !nn.seq<[b, H*W/256, d]>
    %n2 = nn.layer_norm %s1 : !nn.seq<[b, H*W/256, d]>
    %f = nn.ffn %n2 {hidden = 4*d, activation = "gelu"} : !nn.seq<[b, H*W/256, d]>
    %s2 = nn.add %s1, %f : !nn.seq<[b, H*W/256, d]>
    nn.yield %s2 : !nn.seq<[b, H*W/256, d]>
  }
  %out = nn.layer_norm %y : !nn.seq<[b, H*W/256, d]>
  nn.output %out : !nn.seq<[b, H*W/256, d]>
}
