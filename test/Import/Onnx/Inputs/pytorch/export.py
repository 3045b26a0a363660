#!/usr/bin/env python3
"""Exports the PyTorch models of test/Import/Onnx with dynamic axes, as a
researcher would (torch.onnx.export, the dynamo exporter), with random
weights: GPT-2, BERT and Llama from Hugging Face transformers at small sizes, an
LSTM language model, a ResNet-style convolutional network and a DCGAN-style
generator. The weights
go to external data files that are then deleted: costopt reads only the
shapes, so the committed files stay small (and the importer's handling of
absent external data is exercised). Needs torch, onnxscript, transformers:

    python3 export.py            # writes *.onnx next to this script
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
batch = torch.export.Dim("batch", min=1, max=64)
sequence = torch.export.Dim("sequence", min=2, max=128)


def randomize(model):
    # Distinct random values everywhere: the exporter's optimizer merges
    # initializers that are equal (freshly initialized LayerNorm weights are
    # all ones) and drops zero biases, which would change what is counted.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p))
    return model.eval()


def export(model, args, name, dynamic_shapes, input_names, output_names):
    import onnx
    path = os.path.join(HERE, name)
    torch.onnx.export(model, args, path, dynamo=True, dynamic_shapes=dynamic_shapes,
                      input_names=input_names, output_names=output_names,
                      external_data=True)
    data = path + ".data"
    if os.path.exists(data):
        os.remove(data)
    # Keep the module path of each node (what costopt reads); drop the
    # stack traces and FX dumps, most of the file.
    graph = onnx.load(path, load_external_data=False)
    for node in graph.graph.node:
        keep = [p for p in node.metadata_props if p.key == "pkg.torch.onnx.name_scopes"]
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    onnx.save(graph, path)


def causal_lm(model_class, config, name, config_file=None):
    """A Hugging Face causal language model with random weights and no
    cache, exported with dynamic batch and sequence (up to the config's
    positions); its config saved next to it when `config_file` is given."""
    model = randomize(model_class(config))
    model.config.use_cache = False
    if config_file:
        config.to_json_file(os.path.join(HERE, config_file))
    ids = torch.randint(0, config.vocab_size, (2, 16))
    positions = torch.export.Dim("sequence", min=2, max=config.max_position_embeddings)
    export(model, (ids,), name, {"input_ids": {0: batch, 1: positions}}, ["input_ids"],
           ["logits"])


def gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel
    config = GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=128,
                        use_cache=False)
    causal_lm(GPT2LMHeadModel, config, "gpt2.onnx", "gpt2-config.json")


def gpt2_with_cache():
    """The same GPT-2 continuing from a cache: past keys and values of
    `past` earlier positions ([layers, batch, heads, past, head size]) come
    in, the joined ones go out, as a decoding step (or a prompt after a
    cached prefix) runs. Written with transformers 5.24 and torch 2.15."""
    from transformers import GPT2Config, GPT2LMHeadModel
    from transformers.cache_utils import DynamicCache
    config = GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=128)
    model = randomize(GPT2LMHeadModel(config))
    layers, heads, head_size = config.n_layer, config.n_head, config.n_embd // config.n_head

    class WithCache(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = model

        def forward(self, input_ids, past_keys, past_values):
            cache = DynamicCache(config=config)
            for i in range(layers):
                cache.update(past_keys[i], past_values[i], i)
            out = self.m(input_ids=input_ids, past_key_values=cache, use_cache=True)
            joined = out.past_key_values.layers
            return (out.logits, torch.stack([joined[i].keys for i in range(layers)]),
                    torch.stack([joined[i].values for i in range(layers)]))

    ids = torch.randint(0, config.vocab_size, (2, 5))
    cached = [torch.randn(layers, 2, heads, 7, head_size) for _ in range(2)]
    new = torch.export.Dim("sequence", min=2, max=64)
    past = torch.export.Dim("past", min=2, max=64)
    export(WithCache().eval(), (ids, *cached), "gpt2-cache.onnx",
           {"input_ids": {0: batch, 1: new}, "past_keys": {1: batch, 3: past},
            "past_values": {1: batch, 3: past}},
           ["input_ids", "past_keys", "past_values"], ["logits", "present_keys", "present_values"])


def gpt2_124m():
    """GPT-2 small at its published size (124,439,808 parameters)."""
    from transformers import GPT2Config, GPT2LMHeadModel
    causal_lm(GPT2LMHeadModel, GPT2Config(use_cache=False), "gpt2-124m.onnx")


def bert():
    from transformers import BertConfig, BertModel
    config = BertConfig(num_hidden_layers=2, hidden_size=64, num_attention_heads=4,
                        intermediate_size=256, vocab_size=1000, max_position_embeddings=128)
    model = randomize(BertModel(config, add_pooling_layer=True))
    config.to_json_file(os.path.join(HERE, "bert-config.json"))
    ids = torch.randint(0, 1000, (2, 16))
    export(model, (ids,), "bert.onnx", {"input_ids": {0: batch, 1: sequence}},
           ["input_ids"], ["last_hidden_state", "pooler_output"])


def llama():
    """Llama (2 layers, d = 64, 4 query heads sharing 2 key/value heads,
    rotary positions, RMS norm, a SwiGLU MLP of 160, untied head)."""
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=2, hidden_size=64, num_attention_heads=4,
                         num_key_value_heads=2, intermediate_size=160, vocab_size=1000,
                         max_position_embeddings=128, use_cache=False,
                         tie_word_embeddings=False)
    causal_lm(LlamaForCausalLM, config, "llama.onnx", "llama-config.json")


def llama_7b_widths():
    """Llama 2 7B's widths (d = 4096, 32 heads, an MLP of 11,008, 32,000
    tokens, 4,096 positions) with 2 of its 32 layers: 666,914,816
    parameters, so the export fits in memory."""
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=2, hidden_size=4096, num_attention_heads=32,
                         num_key_value_heads=32, intermediate_size=11008, vocab_size=32000,
                         max_position_embeddings=4096, use_cache=False,
                         tie_word_embeddings=False)
    causal_lm(LlamaForCausalLM, config, "llama-7b-2-layers.onnx",
              "llama-7b-2-layers-config.json")


class LstmLanguageModel(nn.Module):
    """Embedding, a two-layer LSTM, a linear head (the PyTorch word
    language model example at small sizes)."""

    def __init__(self, vocab=1000, width=64, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.lstm = nn.LSTM(width, width, num_layers=layers, batch_first=True)
        self.head = nn.Linear(width, vocab)

    def forward(self, ids):
        out, _ = self.lstm(self.embed(ids))
        return self.head(out)


def lstm():
    model = randomize(LstmLanguageModel())
    ids = torch.randint(0, 1000, (2, 16))
    export(model, (ids,), "lstm-lm.onnx", {"ids": {0: batch, 1: sequence}}, ["ids"],
           ["logits"])


class Block(nn.Module):
    def __init__(self, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(channels // stride, channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.down = (nn.Conv2d(channels // stride, channels, 1, stride, bias=False)
                     if stride > 1 else nn.Identity())

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResNet(nn.Module):
    """A ResNet-style network: stem, two residual stages, global average
    pooling and a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.layer1 = Block(16, 1)
        self.layer2 = Block(32, 2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.stem(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(x.mean(dim=(2, 3)))


def resnet():
    model = randomize(ResNet())
    image = torch.randn(2, 3, 32, 32)
    size = torch.export.Dim("size", min=8, max=256)
    export(model, (image,), "resnet.onnx", {"x": {0: batch, 2: 2 * size, 3: 2 * size}},
           ["image"], ["logits"])


class Generator(nn.Module):
    """A DCGAN-style generator: two transposed convolutions of 4 × 4
    kernels, stride 2 and padding 1, each doubling the image (BatchNorm and
    ReLU between them), then tanh."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.up2 = nn.ConvTranspose2d(8, 3, 4, 2, 1)

    def forward(self, z):
        return torch.tanh(self.up2(torch.relu(self.bn1(self.up1(z)))))


def generator():
    """Exports the generator with a dynamic batch and image size, and prints
    what PyTorch's FlopCounterMode counts for one 1 × 16 × 8 × 8 input (the
    transposed convolutions only: it ignores element-wise work)."""
    from torch.utils.flop_counter import FlopCounterMode
    model = randomize(Generator())
    z = torch.randn(2, 16, 8, 8)
    size = torch.export.Dim("size", min=2, max=256)
    export(model, (z,), "generator.onnx", {"z": {0: batch, 2: size, 3: size}}, ["z"],
           ["image"])
    with FlopCounterMode(display=False) as counter:
        model(torch.randn(1, 16, 8, 8))
    print("generator: FlopCounterMode at batch 1, size 8:", counter.get_total_flops())


def torchscript():
    """The LSTM language model and the ResNet-style net through the older
    TorchScript exporter (dynamo=False), as many published ONNX files were
    made: named dynamic axes, modules in the node names, the ResNet's
    height and width independent. Weights are moved to external data and
    dropped as above."""
    import onnx
    for name, model, args, input_name, axes in [
            ("lstm-lm-torchscript.onnx", LstmLanguageModel(), (torch.randint(0, 1000, (2, 16)),),
             "ids", {0: "batch", 1: "sequence"}),
            ("resnet-torchscript.onnx", ResNet(), (torch.randn(2, 3, 32, 32),), "image",
             {0: "batch", 2: "height", 3: "width"})]:
        path = os.path.join(HERE, name)
        torch.onnx.export(randomize(model), args, path, dynamo=False, input_names=[input_name],
                          output_names=["logits"], dynamic_axes={input_name: axes},
                          opset_version=17)
        graph = onnx.load(path)
        onnx.save(graph, path, save_as_external_data=True, location=name + ".data",
                  size_threshold=256)
        os.remove(path + ".data")


if __name__ == "__main__":
    gpt2()
    gpt2_with_cache()
    gpt2_124m()
    bert()
    llama()
    llama_7b_widths()
    lstm()
    resnet()
    torchscript()
    generator()
