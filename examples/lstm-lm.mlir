// The "medium" LSTM language model of Zaremba, Sutskever & Vinyals 2014,
// "Recurrent Neural Network Regularization", Section 4.1: two LSTM layers of
// 650 units, a 10,000-word vocabulary (Penn Treebank), unrolled for 35
// steps, minibatch 20. Embedding and softmax are separate matrices; the
// softmax has a bias. Each LSTM layer carries the two bias vectors of the
// common cuDNN/PyTorch formulation (input and recurrent).
//
// costopt counts 19,780,400 parameters (the paper reports the medium model
// as "about 20M").

nn.model @lstm_lm(%tokens: !nn.tokens<[b, n]>)
    symbols(b = 20, n = 35, d = 650, V = 10000) {
  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %hidden = nn.recurrent %emb {cell = "lstm", hidden = d, layers = 2} : !nn.seq<[b, n, d]>
  %logits = nn.unembedding %hidden {vocab = V, bias} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %logits : !nn.seq<[b, n, V]>
}
