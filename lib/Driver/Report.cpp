//===- Report.cpp - Numbers and tables of the costopt report --------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>
#include <cstdio>

using namespace costopt;
using namespace costopt::driver;

namespace costopt {
namespace driver {

//===----------------------------------------------------------------------===//
// Numbers
//===----------------------------------------------------------------------===//

double toDouble(const sym::Rational &value) {
  auto digits = [](const llvm::DynamicAPInt &v) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    return std::strtod(s.c_str(), nullptr);
  };
  return digits(value.num) / digits(value.den);
}

/// Formats with two decimals and thousands separators: 3,051.76.
std::string formatDecimal(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", v);
  llvm::StringRef text(buffer);
  bool negative = text.consume_front("-");
  auto [whole, fraction] = text.split('.');
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0)
      grouped += ',';
    grouped += whole[i];
  }
  return (negative ? "-" : "") + grouped + "." + fraction.str();
}

/// "1.23e+40", exactly from the integer part's digits: beyond the largest
/// prefix a double would print 'inf' or dozens of digits.
static std::string scientific(const sym::Rational &value) {
  llvm::DynamicAPInt whole = value.num / value.den;
  std::string digits = sym::formatWithSeparators(whole);
  llvm::erase(digits, ',');
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative)
    digits.erase(0, 1);
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1)
    mantissa += "." + digits.substr(1, 2);
  return (negative ? "-" : "") + mantissa + "e+" + std::to_string(digits.size() - 1);
}

/// |value| rounded half up to two decimals, with thousands separators:
/// exact, so the HTML report's BigInt twin (HtmlWidget.cpp) prints the same.
static std::string exactDecimal(const sym::Rational &value) {
  bool negative = value.num < 0;
  llvm::DynamicAPInt magnitude = negative ? -value.num : value.num;
  llvm::DynamicAPInt hundredths =
      (magnitude * llvm::DynamicAPInt(200) + value.den) / (llvm::DynamicAPInt(2) * value.den);
  llvm::DynamicAPInt fraction = hundredths % llvm::DynamicAPInt(100);
  std::string digits = sym::formatWithSeparators(fraction);
  if (digits.size() < 2)
    digits = "0" + digits;
  return (negative ? "-" : "") + sym::formatWithSeparators(hundredths / llvm::DynamicAPInt(100)) +
         "." + digits;
}

/// "1.23 GFLOP", "30.52 MiB", "124.44 M"; empty below the first prefix.
/// `byteUnit` forces a binary unit ("MiB") instead of choosing one. The
/// prefix and the rounding are decided exactly, not on a double.
std::string humanize(const sym::Rational &value, Unit unit, llvm::StringRef byteUnit) {
  const char *suffix = unit == Unit::Byte ? " B" : unit == Unit::Flop ? " FLOP" : "";
  sym::Rational magnitude = value.num < 0 ? sym::Rational(-value.num, value.den) : value;
  auto power = [](int64_t base, int exponent) {
    llvm::DynamicAPInt p(1);
    for (int i = 0; i < exponent; ++i)
      p *= llvm::DynamicAPInt(base);
    return sym::Rational(p, llvm::DynamicAPInt(1));
  };
  if (magnitude >= power(10, 27))
    return scientific(value) + suffix;
  if (unit == Unit::Byte) {
    static const char *names[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int i = 0;
    if (byteUnit != "auto") {
      while (i < 6 && byteUnit != names[i])
        ++i;
    } else {
      while (i < 6 && magnitude >= power(1024, i + 1))
        ++i;
    }
    if (i == 0)
      return "";
    return exactDecimal(value / power(1024, i)) + " " + names[i];
  }
  // Plain counts below a million read fine as exact integers.
  if (unit == Unit::Count && magnitude < power(10, 6))
    return "";
  // Counts (parameters) use the customary B for billions; rates use SI.
  static const char *prefixes[] = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char *countPrefixes[] = {"", "K", "M", "B", "T", "P", "E", "Z", "Y"};
  int i = 0;
  while (i < 8 && magnitude >= power(1000, i + 1))
    ++i;
  if (i == 0)
    return "";
  return exactDecimal(value / power(1000, i)) + " " +
         (unit == Unit::Count ? countPrefixes[i] : prefixes[i]) +
         (unit == Unit::Flop ? "FLOP" : "");
}

/// Parses "4096", "4k" (4000), "4Ki" (4096), "1M", "2e5" into an integer.
/// Reads an exact non-negative number: digits with an optional decimal
/// point and exponent (2.5e9), times the factor of the first matching
/// suffix. Shared by -D values, sweep bounds and budget limits.
static std::optional<sym::Rational>
parseQuantity(llvm::StringRef text,
              llvm::ArrayRef<std::pair<const char *, int64_t>> suffixes) {
  text = text.trim();
  // Longer numbers are mistakes, and converting them takes quadratic time.
  if (text.size() > 64)
    return std::nullopt;
  llvm::DynamicAPInt scale(1);
  for (auto [suffix, factor] : suffixes)
    if (text.consume_back(suffix)) {
      scale = llvm::DynamicAPInt(factor);
      break;
    }
  size_t e = text.find_insensitive('e');
  int64_t exponent = 0;
  if (e != llvm::StringRef::npos && text.substr(e + 1).getAsInteger(10, exponent))
    return std::nullopt;
  auto [whole, fraction] = text.substr(0, e).split('.');
  std::string digits = (whole + fraction).str();
  llvm::APInt value;
  if (digits.empty() || llvm::StringRef(digits).getAsInteger(10, value) || exponent > 40 ||
      exponent < -40)
    return std::nullopt;
  sym::Rational r(llvm::DynamicAPInt(value.zext(value.getBitWidth() + 1)), llvm::DynamicAPInt(1));
  exponent -= static_cast<int64_t>(fraction.size());
  for (; exponent > 0; --exponent)
    r = r * sym::Rational(10, 1);
  for (; exponent < 0; ++exponent)
    r = r / sym::Rational(10, 1);
  return r * sym::Rational(scale, llvm::DynamicAPInt(1));
}

std::optional<llvm::DynamicAPInt> parseSize(llvm::StringRef text) {
  static const std::pair<const char *, int64_t> suffixes[] = {
      {"Ki", int64_t(1) << 10}, {"Mi", int64_t(1) << 20}, {"Gi", int64_t(1) << 30},
      {"k", 1000}, {"K", 1000}, {"M", 1000000}, {"G", 1000000000}};
  auto value = parseQuantity(text, suffixes);
  if (!value || value->den != 1)
    return std::nullopt; // sizes are integers
  // The same bound as a model's defaults: below 2^63.
  if (value->num >= llvm::DynamicAPInt(std::numeric_limits<int64_t>::max()) +
                        llvm::DynamicAPInt(1))
    return std::nullopt;
  return value->num;
}

int64_t dtypeBytes(llvm::StringRef dtype) {
  return llvm::StringSwitch<int64_t>(dtype)
      .Case("f32", 4)
      .Case("fp32", 4)
      .Cases({"bf16", "f16", "fp16"}, 2)
      .Cases({"fp8", "f8"}, 1)
      .Default(0);
}



std::optional<SweepSpec> parseSweep(llvm::StringRef text, std::string &error) {
  auto [symbol, range] = text.split('=');
  auto [bounds, step] = range.split(':');
  auto [from, to] = bounds.split("..");
  SweepSpec spec;
  spec.symbol = symbol.trim().str();
  auto start = parseSize(from), end = parseSize(to);
  if (spec.symbol.empty() || !start || !end) {
    error = "expected --sweep name=start..end[:*factor|:+step], e.g. n=1k..1M";
    return std::nullopt;
  }
  spec.start = *start;
  spec.end = *end;
  spec.step = llvm::DynamicAPInt(2);
  if (!step.empty()) {
    spec.multiply = step.front() == '*';
    if (step.front() != '*' && step.front() != '+') {
      error = "a sweep step is '*factor' or '+increment'";
      return std::nullopt;
    }
    auto value = parseSize(step.drop_front());
    if (!value) {
      error = "bad sweep step '" + step.str() + "'";
      return std::nullopt;
    }
    spec.step = *value;
  }
  if ((spec.multiply && (spec.step < 2 || spec.start < 1)) ||
      (!spec.multiply && spec.step < 1) || spec.end < spec.start) {
    error = "the sweep must grow: start <= end, factor >= 2 (from start >= 1) or increment >= 1";
    return std::nullopt;
  }
  // Counted before any point is made: a silently truncated sweep would
  // look complete.
  llvm::DynamicAPInt points(0);
  if (spec.multiply) {
    for (llvm::DynamicAPInt x = spec.start; x <= spec.end && points <= kMaxSweepPoints;
         x *= spec.step)
      ++points;
  } else {
    points = (spec.end - spec.start) / spec.step + 1;
  }
  if (points > kMaxSweepPoints) {
    error = "the sweep has " + std::string(spec.multiply ? "more than " : "") +
            sym::formatWithSeparators(spec.multiply ? llvm::DynamicAPInt(kMaxSweepPoints)
                                                    : points) +
            " points; at most " + sym::formatWithSeparators(llvm::DynamicAPInt(kMaxSweepPoints)) +
            " are evaluated: use a larger step or a narrower range";
    return std::nullopt;
  }
  return spec;
}

std::vector<llvm::DynamicAPInt> sweepPoints(const SweepSpec &spec) {
  std::vector<llvm::DynamicAPInt> xs;
  for (llvm::DynamicAPInt x = spec.start; x <= spec.end;
       x = spec.multiply ? x * spec.step : x + spec.step)
    xs.push_back(x);
  return xs;
}

/// What every budget error lists: the forms a budget accepts.
static constexpr const char *kBudgetForms =
    "quantities: flops, macs, params, memory, activations, kv_cache, weights, bytes_moved, "
    "depth, path; limits: 1e15, 2.5e9, SI suffixes k M G T P E (B = billions: 7B), bytes "
    "KB MB GB TB (powers of 10) or KiB MiB GiB TiB (powers of 2); e.g. 'flops<=1e15', "
    "'memory<=80GB', 'params<7B'";

std::optional<Budget> parseBudget(llvm::StringRef text, std::string &error) {
  Budget budget;
  budget.text = text.str();
  size_t at = text.find('<');
  if (at == llvm::StringRef::npos) {
    error = "expected 'quantity<=limit' or 'quantity<limit'; " + std::string(kBudgetForms);
    return std::nullopt;
  }
  budget.quantity = text.take_front(at).trim().lower();
  llvm::StringRef limit = text.drop_front(at + 1);
  budget.strict = !limit.consume_front("=");
  limit = limit.trim();
  // Bytes in powers of 10 or 2; counts in SI prefixes, B = billion (7B).
  static const std::pair<const char *, int64_t> units[] = {
      {"KiB", int64_t(1) << 10}, {"MiB", int64_t(1) << 20}, {"GiB", int64_t(1) << 30},
      {"TiB", int64_t(1) << 40}, {"KB", 1000},              {"MB", 1000000},
      {"GB", 1000000000},        {"TB", 1000000000000},     {"k", 1000},
      {"K", 1000},               {"M", 1000000},            {"B", 1000000000},
      {"G", 1000000000},         {"T", 1000000000000},      {"P", 1000000000000000},
      {"E", 1000000000000000000}};
  auto value = parseQuantity(limit, units);
  if (!value) {
    error = "bad limit '" + limit.str() + "'; " + std::string(kBudgetForms);
    return std::nullopt;
  }
  budget.limit = *value;
  static const char *known[] = {"flops", "macs", "params", "memory", "activations",
                                "kv_cache", "weights", "bytes_moved", "depth", "path"};
  if (!llvm::is_contained(known, budget.quantity)) {
    error = "unknown budget quantity '" + budget.quantity + "'; " + std::string(kBudgetForms);
    return std::nullopt;
  }
  return budget;
}


/// Display width of UTF-8 text: one column per code point.
size_t displayWidth(llvm::StringRef s) {
  size_t width = 0;
  for (unsigned char c : s)
    width += (c & 0xC0) != 0x80;
  return width;
}

/// The code points of UTF-8 text, one string each: display columns.
static std::vector<std::string> codePoints(llvm::StringRef s) {
  std::vector<std::string> points;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80 || points.empty())
      points.emplace_back();
    points.back() += static_cast<char>(c);
  }
  return points;
}

/// Breaks one term longer than `width` after a factor or an argument, or
/// anywhere when it has none.
static std::vector<std::string> breakTerm(llvm::StringRef term, size_t width) {
  std::vector<std::string> lines;
  std::vector<std::string> points = codePoints(term);
  size_t start = 0;
  while (points.size() - start > width) {
    size_t cut = 0;
    for (size_t i = start + 1; i < start + width; ++i)
      if (points[i - 1] == "·" || (points[i - 1] == " " && i >= 2 && points[i - 2] == ","))
        cut = i;
    if (!cut)
      cut = start + width;
    std::string line;
    for (size_t i = start; i < cut; ++i)
      line += points[i];
    lines.push_back(llvm::StringRef(line).rtrim().str());
    start = cut;
  }
  std::string rest;
  for (size_t i = start; i < points.size(); ++i)
    rest += points[i];
  if (!rest.empty())
    lines.push_back(rest);
  return lines;
}

std::vector<std::string> wrapFormula(llvm::StringRef formula, size_t width) {
  width = std::max<size_t>(width, 8);
  if (displayWidth(formula) <= width)
    return {formula.str()};
  // Terms at parenthesis depth 0: "a", "+ b", "− c".
  static const llvm::StringRef minus = " \xE2\x88\x92 "; // " − "
  std::vector<std::string> terms;
  int depth = 0;
  size_t begin = 0;
  for (size_t i = 0; i < formula.size(); ++i) {
    char c = formula[i];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    bool plus = formula.substr(i).starts_with(" + ");
    if (depth == 0 && i > begin && (plus || formula.substr(i).starts_with(minus))) {
      terms.push_back(formula.slice(begin, i).str());
      begin = i + 1; // the sign starts the next term
    }
  }
  terms.push_back(formula.substr(begin).str());
  std::vector<std::string> lines;
  std::string line;
  for (const std::string &term : terms) {
    if (!line.empty() && displayWidth(line) + 1 + displayWidth(term) <= width) {
      line += " " + term;
      continue;
    }
    if (!line.empty())
      lines.push_back(line);
    line.clear();
    if (displayWidth(term) <= width) {
      line = term;
      continue;
    }
    std::vector<std::string> pieces = breakTerm(term, width);
    lines.insert(lines.end(), pieces.begin(), pieces.end() - 1);
    line = pieces.back();
  }
  if (!line.empty())
    lines.push_back(line);
  return lines;
}

void printTable(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &table,
                bool markdown, size_t maxWidth) {
  if (table.empty())
    return;
  // A '|' inside a Markdown cell (a model named @a|b) would end the cell.
  std::vector<std::vector<std::string>> escaped;
  if (markdown) {
    escaped = table;
    for (auto &row : escaped)
      for (std::string &cell : row)
        for (size_t pos = 0; (pos = cell.find('|', pos)) != std::string::npos; pos += 2)
          cell.insert(pos, "\\");
  }
  const std::vector<std::vector<std::string>> &rows = markdown ? escaped : table;
  size_t columns = rows[0].size();
  std::vector<size_t> widths(columns, 0);
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], displayWidth(row[i]));
  // The last column's cells as lines: whole, or wrapped to what is left.
  std::vector<std::vector<std::string>> lastLines;
  for (const auto &row : rows)
    lastLines.push_back({row.back()});
  if (maxWidth && !markdown && columns > 1) {
    size_t before = 2;
    for (size_t i = 0; i + 1 < columns; ++i)
      before += widths[i] + 3;
    size_t available = maxWidth > before ? maxWidth - before : 0;
    if (widths.back() > available) {
      widths.back() = 0;
      for (size_t r = 0; r < rows.size(); ++r) {
        lastLines[r] = wrapFormula(rows[r].back(), available);
        for (const std::string &line : lastLines[r])
          widths.back() = std::max(widths.back(), displayWidth(line));
      }
    }
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    os << (markdown ? "| " : "  ");
    for (size_t i = 0; i < columns; ++i) {
      bool last = i + 1 == columns;
      const std::string &text = last ? lastLines[r].front() : rows[r][i];
      os << text;
      if (!last || markdown)
        os.indent(widths[i] - displayWidth(text));
      if (!last)
        os << (markdown ? " | " : "   ");
    }
    os << (markdown ? " |" : "") << "\n";
    size_t indent = 2;
    for (size_t i = 0; i + 1 < columns; ++i)
      indent += widths[i] + 3;
    for (size_t l = 1; l < lastLines[r].size(); ++l) {
      os.indent(indent);
      os << lastLines[r][l] << "\n";
    }
    if (r == 0) {
      os << (markdown ? "|" : "  ");
      for (size_t i = 0; i < widths.size(); ++i) {
        if (markdown)
          os << std::string(widths[i] + 2, '-') << "|";
        else
          os << std::string(widths[i], '-') << (i + 1 == widths.size() ? "" : "   ");
      }
      os << "\n";
    }
  }
}

void printTableInGroups(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                        bool markdown, size_t maxWidth, size_t keep) {
  if (rows.empty() || markdown || !maxWidth) {
    printTable(os, rows, markdown);
    return;
  }
  size_t columns = rows[0].size();
  std::vector<size_t> widths(columns, 0);
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], displayWidth(row[i]));
  size_t kept = 2;
  for (size_t i = 0; i < keep && i < columns; ++i)
    kept += widths[i] + 3;
  bool first = true;
  for (size_t begin = keep; begin < columns || first;) {
    // At least one column per group, however wide.
    size_t end = begin, width = kept;
    while (end < columns && (end == begin || width + widths[end] <= maxWidth))
      width += widths[end++] + 3;
    std::vector<std::vector<std::string>> group;
    for (const auto &row : rows) {
      std::vector<std::string> cells(row.begin(), row.begin() + std::min(keep, row.size()));
      cells.insert(cells.end(), row.begin() + begin, row.begin() + end);
      group.push_back(std::move(cells));
    }
    if (!first)
      os << "\n";
    printTable(os, group, markdown);
    first = false;
    begin = end;
  }
}

void printWrappedLine(llvm::raw_ostream &os, llvm::StringRef label,
                      llvm::ArrayRef<std::string> items, llvm::StringRef separator,
                      size_t width) {
  size_t indent = displayWidth(label);
  std::string line = label.str();
  bool empty = true;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? separator.rtrim().str() : "");
    if (!empty && displayWidth(line) + 1 + displayWidth(item) > width) {
      os << line << "\n";
      line = std::string(indent, ' ');
      empty = true;
    }
    line += (empty ? "" : " ") + item;
    empty = false;
  }
  os << line << "\n";
}

std::string formulaText(const ModelReport &report, const Expr &e) {
  sym::PrintOptions print;
  print.symbolOrder = report.symbolOrder;
  return sym::print(e, print);
}

std::string valueText(const Figure &f, llvm::StringRef byteUnit) {
  if (!f.value)
    return "";
  std::string exact = sym::formatRational(*f.value);
  std::string human = humanize(*f.value, f.unit, byteUnit);
  if (f.unit == Unit::Byte)
    exact += " B";
  return human.empty() ? exact : exact + "  (" + human + ")";
}

std::string percentText(const sym::Rational &share) {
  if (share.num <= 0)
    return share.num == 0 ? "0.0%" : "-";
  // Tenths of a percent, rounded half up.
  llvm::DynamicAPInt tenths =
      (share.num * llvm::DynamicAPInt(2000) + share.den) / (llvm::DynamicAPInt(2) * share.den);
  if (tenths == 0)
    return "<0.1%";
  return sym::formatWithSeparators(tenths / llvm::DynamicAPInt(10)) + "." +
         sym::formatWithSeparators(tenths % llvm::DynamicAPInt(10)) + "%";
}


} // namespace driver
} // namespace costopt
