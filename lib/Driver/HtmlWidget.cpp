//===- HtmlWidget.cpp - The HTML report's live slider ---------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The page carries data, not code generated from formulas: each total as the
// structured expression of the JSON report (sym::toJSON), the bound values as
// decimal strings, the model's rules, and one small interpreter that
// evaluates them with BigInt rationals. So the numbers in the page are the
// numbers of the text report at the same point, digit for digit, at any size
// (a double is exact only up to 2^53), and no value is ever spliced into
// JavaScript source text.
//
//===----------------------------------------------------------------------===//

#include "Charts.h"
#include "Report.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <map>

using namespace costopt;
using namespace costopt::driver;

namespace {

/// Evaluates the page's expressions exactly and formats them as
/// valueText/humanize do (Report.cpp); defined once per page.
const char *const kRuntime = R"js(
window.costoptWidget = window.costoptWidget || (function() {
'use strict';
function gcd(a, b) {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b) { const t = a % b; a = b; b = t; }
  return a;
}
function Q(n, d) {
  if (d === undefined) d = 1n;
  if (d === 0n) throw new Error('division by zero');
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d);
  return g > 1n ? {n: n / g, d: d / g} : {n: n, d: d};
}
function parseQ(text) {
  const parts = text.split('/');
  return Q(BigInt(parts[0]), parts.length > 1 ? BigInt(parts[1]) : 1n);
}
function add(a, b) { return Q(a.n * b.d + b.n * a.d, a.d * b.d); }
function mul(a, b) { return Q(a.n * b.n, a.d * b.d); }
function div(a, b) { return Q(a.n * b.d, a.d * b.n); }
function cmp(a, b) { const x = a.n * b.d, y = b.n * a.d; return x < y ? -1 : x > y ? 1 : 0; }
function power(a, e) {
  if (e < 0) { a = Q(a.d, a.n); e = -e; }
  return Q(a.n ** BigInt(e), a.d ** BigInt(e));
}
function floorQ(a) {
  let q = a.n / a.d; // BigInt division truncates towards zero
  if (a.n < 0n && q * a.d !== a.n) q -= 1n;
  return q;
}
function ceilQ(a) { return -floorQ(Q(-a.n, a.d)); }
function isOne(e) {
  return e.terms.length === 1 && e.terms[0].coefficient === '1' && e.terms[0].factors.length === 0;
}
function logBase(atom, env) {
  const b = evaluate(atom.args[0], env);
  if (b.d !== 1n || b.n < 2n) throw new Error('logarithm base below 2');
  return b.n;
}
function atomValue(atom, env) {
  if ('symbol' in atom) {
    if (!(atom.symbol in env)) throw new Error('unbound ' + atom.symbol);
    return Q(env[atom.symbol]);
  }
  if ('unknown' in atom) throw new Error('unknown(' + atom.unknown + ')');
  const f = atom.function;
  if (f === 'max' || f === 'min') {
    const a = evaluate(atom.args[0], env), b = evaluate(atom.args[1], env);
    return (cmp(a, b) >= 0) === (f === 'max') ? a : b;
  }
  if (f === 'log') {
    const base = logBase(atom, env), x = evaluate(atom.args[1], env);
    if (x.n <= 0n) throw new Error('logarithm of a non-positive value');
    const inverse = x.n < x.d, target = inverse ? x.d : x.n;
    if ((inverse ? x.n : x.d) !== 1n) throw new Error('irrational logarithm');
    let p = 1n, m = 0n;
    while (p < target) { p *= base; m += 1n; }
    if (p !== target) throw new Error('irrational logarithm');
    return Q(inverse ? -m : m);
  }
  // ceil/floor(num / den); of exactly one logarithm by integer search.
  const num = atom.args[0], den = atom.args[1], ceil = f === 'ceil';
  if (isOne(den) && num.terms.length === 1 && num.terms[0].coefficient === '1' &&
      num.terms[0].factors.length === 1 && num.terms[0].factors[0].exponent === 1 &&
      num.terms[0].factors[0].atom.function === 'log') {
    const log = num.terms[0].factors[0].atom;
    const b = Q(logBase(log, env)), x = evaluate(log.args[1], env);
    if (x.n <= 0n) throw new Error('logarithm of a non-positive value');
    let p = Q(1n), m = 0n;
    while (cmp(p, x) > 0) { p = div(p, b); m -= 1n; }
    while (cmp(mul(p, b), x) <= 0) { p = mul(p, b); m += 1n; }
    return Q(ceil && cmp(p, x) !== 0 ? m + 1n : m);
  }
  const q = div(evaluate(num, env), evaluate(den, env));
  return Q(ceil ? ceilQ(q) : floorQ(q));
}
function evaluate(expr, env) {
  let sum = Q(0n);
  for (const term of expr.terms) {
    let product = parseQ(term.coefficient);
    for (const factor of term.factors)
      product = mul(product, power(atomValue(factor.atom, env), factor.exponent));
    sum = add(sum, product);
  }
  return sum;
}
function separators(n) {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + digits;
}
function exact(q) { return q.d === 1n ? separators(q.n) : separators(q.n) + '/' + separators(q.d); }
function decimal(q) { // |q| rounded half up to two decimals
  const negative = q.n < 0n, magnitude = negative ? -q.n : q.n;
  const hundredths = (magnitude * 200n + q.d) / (2n * q.d);
  return (negative ? '-' : '') + separators(hundredths / 100n) + '.' +
         (hundredths % 100n).toString().padStart(2, '0');
}
function scientific(q, suffix) {
  let digits = (q.n / q.d).toString();
  const negative = digits[0] === '-';
  if (negative) digits = digits.slice(1);
  let mantissa = digits.slice(0, 1);
  if (digits.length > 1) mantissa += '.' + digits.slice(1, 3);
  return (negative ? '-' : '') + mantissa + 'e+' + (digits.length - 1) + suffix;
}
function humanize(q, unit, byteUnit) {
  const magnitude = q.n < 0n ? Q(-q.n, q.d) : q;
  const suffix = unit === 'byte' ? ' B' : unit === 'flop' ? ' FLOP' : '';
  if (cmp(magnitude, Q(10n ** 27n)) >= 0) return scientific(q, suffix);
  if (unit === 'byte') {
    const names = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
    let i = 0;
    if (byteUnit !== 'auto') { while (i < 6 && names[i] !== byteUnit) ++i; }
    else { while (i < 6 && cmp(magnitude, Q(1024n ** BigInt(i + 1))) >= 0) ++i; }
    return i === 0 ? '' : decimal(div(q, Q(1024n ** BigInt(i)))) + ' ' + names[i];
  }
  if (unit === 'count' && cmp(magnitude, Q(1000000n)) < 0) return '';
  const prefixes = unit === 'count' ? ['', 'K', 'M', 'B', 'T', 'P', 'E', 'Z', 'Y']
                                    : ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  let i = 0;
  while (i < 8 && cmp(magnitude, Q(1000n ** BigInt(i + 1))) >= 0) ++i;
  if (i === 0) return '';
  return decimal(div(q, Q(1000n ** BigInt(i)))) + ' ' + prefixes[i] + (unit === 'flop' ? 'FLOP' : '');
}
function valueText(q, unit, byteUnit) {
  const human = humanize(q, unit, byteUnit);
  const text = exact(q) + (unit === 'byte' ? ' B' : '');
  return human ? text + '  (' + human + ')' : text;
}
// The first rule of the model the point breaks, as PointChecker::check.
function brokenRule(rules, env) {
  for (const rule of rules) {
    if (!rule.symbols.every(function(s) { return s in env; })) continue;
    let lhs, rhs;
    try { lhs = evaluate(rule.lhs, env); rhs = evaluate(rule.rhs, env); }
    catch (e) { return rule.description + ' cannot be evaluated'; }
    const order = cmp(lhs, rhs);
    const holds = rule.kind === 'at_least' ? order >= 0 :
                  rule.kind === 'at_most' ? order <= 0 :
                  rule.kind === 'equal' ? order === 0 :
                  rule.kind === 'less' ? order < 0 :
                  rule.kind === 'greater' ? order > 0 :
                  rule.kind === 'divides' ? rhs.n !== 0n && lhs.d === 1n && rhs.d === 1n &&
                                            div(lhs, rhs).d === 1n :
                  order >= 0 && lhs.d === 1n; // integer_at_least
    if (!holds) return rule.description + ' does not hold';
  }
  return null;
}
return function(prefix) {
  const data = JSON.parse(document.getElementById(prefix + '-data').textContent);
  const slider = document.getElementById(prefix + '-slider');
  const output = document.getElementById(prefix + '-value');
  const note = document.getElementById(prefix + '-note');
  const marker = document.getElementById(prefix + '-marker');
  const bound = {};
  for (const name in data.bound) bound[name] = BigInt(data.bound[name]);
  function placeMarker(x, values) {
    if (!marker) return;
    const d = marker.dataset, lx = Math.log10(x);
    const px = Number(d.left) + (lx - Number(d.xLo)) / (Number(d.xHi) - Number(d.xLo)) * Number(d.width);
    const line = marker.querySelector('line');
    line.setAttribute('x1', px.toFixed(1));
    line.setAttribute('x2', px.toFixed(1));
    marker.querySelectorAll('circle').forEach(function(dot, i) {
      const v = values[i];
      if (v === undefined || v <= 0) { dot.setAttribute('visibility', 'hidden'); return; }
      const py = Number(d.top) + Number(d.height) -
                 (Math.log10(v) - Number(d.yLo)) / (Number(d.yHi) - Number(d.yLo)) * Number(d.height);
      dot.setAttribute('visibility', 'visible');
      dot.setAttribute('cx', px.toFixed(1));
      dot.setAttribute('cy', py.toFixed(1));
    });
    marker.setAttribute('visibility', 'visible');
  }
  // Shows every quantity at symbol = x (a BigInt).
  function show(x) {
    output.textContent = separators(x);
    const env = Object.assign({}, bound);
    env[data.symbol] = x;
    const broken = data.missing.length ? null : brokenRule(data.rules, env);
    note.textContent = data.missing.length ? 'bind ' + data.missing.join(', ') + ' with -D for numbers' :
                       broken ? data.symbol + ' = ' + separators(x) + ' breaks the model\'s rules: ' + broken : '';
    const chart = [];
    data.rows.forEach(function(row, i) {
      const cell = document.getElementById(prefix + '-row' + i);
      let text = '';
      if (!data.missing.length && !broken) {
        try {
          const q = evaluate(row.expr, env);
          text = valueText(q, row.unit, data.byteUnit);
          if (row.chart) chart.push(Number(q.n) / Number(q.d));
        } catch (e) { text = ''; }
      }
      cell.textContent = text;
    });
    placeMarker(Number(x), chart);
  }
  slider.addEventListener('input', function() {
    show(BigInt(Math.max(1, Math.round(Math.pow(2, Number(slider.value))))));
  });
  // #n=32768 (the exact value, not the slider's nearest step).
  const hash = new RegExp('[#&]' + data.symbol + '=(\\d+)(?:&|$)').exec(location.hash);
  const start = hash ? BigInt(hash[1]) : BigInt(data.start);
  slider.value = String(Math.log2(Number(start)));
  show(start);
};
})();
)js";

/// A JSON value that is safe inside <script>: "</" cannot end the element.
std::string scriptJSON(llvm::json::Value value) {
  std::string text = llvm::formatv("{0}", value).str();
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/')
      out += "\\";
  }
  return out;
}

llvm::StringRef ruleKind(nn::PointChecker::Kind kind) {
  switch (kind) {
  case nn::PointChecker::Kind::AtLeast: return "at_least";
  case nn::PointChecker::Kind::AtMost: return "at_most";
  case nn::PointChecker::Kind::Equal: return "equal";
  case nn::PointChecker::Kind::Divides: return "divides";
  case nn::PointChecker::Kind::Less: return "less";
  case nn::PointChecker::Kind::Greater: return "greater";
  case nn::PointChecker::Kind::IntegerAtLeast: return "integer_at_least";
  }
  llvm_unreachable("unhandled rule kind");
}

llvm::StringRef unitName(Unit unit) {
  switch (unit) {
  case Unit::Count: return "count";
  case Unit::Flop: return "flop";
  case Unit::Byte: return "byte";
  }
  llvm_unreachable("unhandled unit");
}

/// Digits only: separators are for people, and "1,024" is no JS number.
std::string plainDigits(const llvm::DynamicAPInt &value) {
  std::string digits = sym::formatWithSeparators(value);
  llvm::erase(digits, ',');
  return digits;
}

/// 2^k as an exact integer.
llvm::DynamicAPInt powerOfTwo(int k) {
  llvm::DynamicAPInt p(1);
  for (int i = 0; i < k; ++i)
    p *= llvm::DynamicAPInt(2);
  return p;
}

} // namespace

void costopt::driver::renderHtmlWidget(const DriverOptions &options, const ModelReport &report,
                                       int id, llvm::raw_ostream &os) {
  auto escape = [](llvm::StringRef text) { return escapeXml(text.str()); };
  std::string symbol = llvm::is_contained(report.symbolOrder, "n") ? "n"
                       : report.symbolOrder.empty()                 ? ""
                                                                    : report.symbolOrder.front();
  if (symbol.empty())
    return;
  std::string prefix = "w" + std::to_string(id);

  // Where the page starts: the report's own value of the symbol, so the
  // page first shows the numbers printed above it.
  llvm::DynamicAPInt start(1024);
  if (auto it = report.bindings.find(symbol); it != report.bindings.end())
    start = it->second;
  // The slider spans 1 .. 2^top, past the starting value.
  int top = 20;
  while (top < 62 && powerOfTwo(top - 2) <= start)
    ++top;

  struct Row {
    std::string name;
    Expr formula;
    Unit unit;
    bool chart;
  };
  std::vector<Row> rows;
  for (const Figure &f : report.totals)
    rows.push_back({f.name, f.formula, f.unit, false});
  std::map<std::string, Expr> cores;
  for (const LayerCost &layer : report.cost.layers)
    if (!layer.cost.tableRow.empty())
      cores[layer.cost.tableRow] += layer.multiplicity * layer.cost.core;
  for (auto &[kind, core] : cores)
    rows.push_back({"core FLOPs: " + kind, sym::simplify(core, report.assumptions), Unit::Flop,
                    true});

  // A static chart of each layer kind's core FLOPs, evaluated exactly at
  // the powers of two the model admits.
  std::vector<ChartSeries> series;
  for (const Row &row : rows) {
    if (!row.chart)
      continue;
    ChartSeries line{row.name.substr(std::string("core FLOPs: ").size()), {}};
    for (int k = 0; k <= top; ++k) {
      sym::Bindings at = report.bindings;
      at[symbol] = powerOfTwo(k);
      if (report.checker && report.checker->check(at))
        continue;
      auto v = sym::evaluate(row.formula, at);
      if (!v) {
        llvm::consumeError(v.takeError());
        continue;
      }
      line.points.push_back({std::ldexp(1.0, k), toDouble(*v)});
    }
    series.push_back(std::move(line));
  }

  os << "<h3>How the costs grow with " << escape(symbol) << "</h3>\n";
  if (!series.empty())
    os << renderLogLogSvg("Core FLOPs per layer kind", symbol, "FLOPs", series,
                          prefix + "-marker");
  os << "<p><label>" << escape(symbol) << " = <output id=\"" << prefix
     << "-value\"></output></label><br><input type=\"range\" id=\"" << prefix
     << "-slider\" min=\"0\" max=\"" << top
     << "\" step=\"0.25\" style=\"width:30em\"><br><span id=\"" << prefix
     << "-note\"></span></p>\n"
     << "<table><tr><th>quantity</th><th>value (exact)</th></tr>\n";
  for (size_t i = 0; i < rows.size(); ++i)
    os << "<tr><td>" << escape(rows[i].name) << "</td><td class=\"num\" id=\"" << prefix
       << "-row" << i << "\"></td></tr>\n";
  os << "</table>\n";

  llvm::json::Object bound;
  llvm::json::Array missing;
  for (const std::string &name : report.symbolOrder) {
    auto it = report.bindings.find(name);
    if (it != report.bindings.end())
      bound[name] = plainDigits(it->second);
    else if (name != symbol)
      missing.push_back(name);
  }
  llvm::json::Array rowData;
  for (const Row &row : rows)
    rowData.push_back(llvm::json::Object{{"name", row.name},
                                         {"unit", unitName(row.unit)},
                                         {"chart", row.chart},
                                         {"expr", sym::toJSON(row.formula)}});
  llvm::json::Array rules;
  if (report.checker)
    for (const nn::PointChecker::Rule &rule : report.checker->getRules())
      rules.push_back(llvm::json::Object{{"kind", ruleKind(rule.kind)},
                                         {"lhs", sym::toJSON(rule.lhs)},
                                         {"rhs", sym::toJSON(rule.rhs)},
                                         {"description", rule.description},
                                         {"symbols", llvm::json::Array(rule.symbols)}});
  llvm::json::Object data{{"symbol", symbol},
                          {"start", plainDigits(start)},
                          {"byteUnit", options.memoryUnit},
                          {"bound", std::move(bound)},
                          {"missing", std::move(missing)},
                          {"rows", std::move(rowData)},
                          {"rules", std::move(rules)}};
  os << "<script type=\"application/json\" id=\"" << prefix << "-data\">"
     << scriptJSON(std::move(data)) << "</script>\n";
  os << "<script>";
  if (id == 0)
    os << kRuntime;
  os << "costoptWidget('" << prefix << "');\n</script>\n";
}
