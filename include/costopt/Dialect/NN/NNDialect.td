//===- NNDialect.td - The nn dialect and its base classes -*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNDIALECT_TD
#define COSTOPT_DIALECT_NN_NNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::costopt::nn";
  let summary = "Neural-network architectures with symbolic sizes";
  let description = [{
    The `nn` dialect describes a neural-network architecture at the level a
    paper describes it: layers (attention, recurrence, convolution, state-space
    scans, feed-forward blocks, mixtures of experts, norms) over tensors whose
    sizes are expressions in named symbols (`b`, `n`, `d`, `4*d`, `d/h`). A
    model (`nn.model`) declares its symbols, their optional default values and
    constraints on them (`d mod h == 0`, `k >= 2`); `nn.repeat` stacks a block
    `L` times without unrolling it.

    Every op verifies its sizes symbolically, with exact arithmetic, and the
    cost analyses read the same sizes to derive exact formulas.
  }];
  // nn.map bodies are written with arith and math ops.
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  // Plain attribute dictionaries: an omitted default stays omitted, so the
  // printed form is what the user wrote.
  let usePropertiesForAttributes = 0;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();

    /// The size already parsed from this text (the tokens of a size,
    /// rebuilt), or null. Big models repeat a few sizes in every type; the
    /// cache spares the algebra's parser and printer for each repetition.
    ::mlir::Attribute lookupParsedSize(::llvm::StringRef text);
    void rememberParsedSize(::llvm::StringRef text, ::mlir::Attribute size);

  private:
    ::llvm::StringMap<::mlir::Attribute> parsedSizes;
    std::mutex parsedSizesMutex;

  public:
  }];
}

class NN_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<NN_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class NN_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<NN_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

#endif // COSTOPT_DIALECT_NN_NNDIALECT_TD
