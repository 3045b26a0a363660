//===- Charts.cpp - SVG charts for costopt reports ------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "Charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace costopt;

std::string costopt::escapeXml(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

static std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", v);
  return buffer;
}

/// 10^k, written the same way at every k (10⁰, 10³, 10¹⁵, 10⁻²): one number
/// style on both axes however wide the range.
static std::string powerLabel(int k) {
  static const char *digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string exponent;
  for (char c : std::to_string(std::abs(k)))
    exponent += digits[c - '0'];
  return std::string("10") + (k < 0 ? "⁻" : "") + exponent;
}

/// A generous width of `text` at 12 px sans-serif (wide glyphs, UTF-8
/// continuation bytes not counted), so that a legend entry is never cut.
static double textWidth(const std::string &text) {
  size_t glyphs = 0;
  for (char c : text)
    glyphs += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return 7.5 * glyphs;
}

std::string costopt::renderLogLogSvg(const std::string &title, const std::string &xLabel,
                                     const std::string &yLabel,
                                     const std::vector<ChartSeries> &series,
                                     const std::string &markerId) {
  const double left = 80, top = 40, bottom = 60, plotW = 440, plotH = 340;
  // The legend beside the plot is as wide and as tall as its entries need.
  double legendW = 0;
  for (const ChartSeries &s : series)
    legendW = std::max(legendW, textWidth(s.name));
  const double width = left + plotW + 38 + std::max(legendW, 120.0) + 12;
  const double height =
      std::max(top + plotH + bottom, top + 14 + 18 * static_cast<double>(series.size()) + 10);
  double xMin = std::numeric_limits<double>::max(), xMax = 0;
  double yMin = std::numeric_limits<double>::max(), yMax = 0;
  for (const ChartSeries &s : series)
    for (auto [x, y] : s.points) {
      if (x <= 0 || y <= 0 || !std::isfinite(x) || !std::isfinite(y))
        continue;
      xMin = std::min(xMin, x);
      xMax = std::max(xMax, x);
      yMin = std::min(yMin, y);
      yMax = std::max(yMax, y);
    }
  if (xMax == 0) {
    xMin = yMin = 1;
    xMax = yMax = 10;
  }
  int xLo = std::floor(std::log10(xMin)), xHi = std::ceil(std::log10(xMax));
  int yLo = std::floor(std::log10(yMin)), yHi = std::ceil(std::log10(yMax));
  if (xHi == xLo)
    ++xHi;
  if (yHi == yLo)
    ++yHi;
  auto px = [&](double x) { return left + (std::log10(x) - xLo) / (xHi - xLo) * plotW; };
  auto py = [&](double y) { return top + plotH - (std::log10(y) - yLo) / (yHi - yLo) * plotH; };

  static const char *colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                  "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) +
                    "\" height=\"" + number(height) + "\" viewBox=\"0 0 " + number(width) +
                    " " + number(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + number(left) + "\" y=\"24\" font-size=\"15\">" + escapeXml(title) +
         "</text>\n";
  for (int k = xLo; k <= xHi; ++k) {
    double x = px(std::pow(10.0, k));
    svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(top) + "\" x2=\"" + number(x) +
           "\" y2=\"" + number(top + plotH) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(x) + "\" y=\"" + number(top + plotH + 16) +
           "\" text-anchor=\"middle\">" + powerLabel(k) + "</text>\n";
  }
  for (int k = yLo; k <= yHi; ++k) {
    double y = py(std::pow(10.0, k));
    svg += "<line x1=\"" + number(left) + "\" y1=\"" + number(y) + "\" x2=\"" +
           number(left + plotW) + "\" y2=\"" + number(y) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(left - 6) + "\" y=\"" + number(y + 4) +
           "\" text-anchor=\"end\">" + powerLabel(k) + "</text>\n";
  }
  svg += "<rect x=\"" + number(left) + "\" y=\"" + number(top) + "\" width=\"" + number(plotW) +
         "\" height=\"" + number(plotH) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + number(left + plotW / 2) + "\" y=\"" + number(height - 20) +
         "\" text-anchor=\"middle\">" + escapeXml(xLabel) + " (log)</text>\n";
  svg += "<text transform=\"translate(18 " + number(top + plotH / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escapeXml(yLabel) + " (log)</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char *colour = colours[i % 8];
    std::string path;
    for (auto [x, y] : series[i].points) {
      if (x <= 0 || y <= 0 || !std::isfinite(x) || !std::isfinite(y))
        continue;
      path += (path.empty() ? "M" : " L") + number(px(x)) + " " + number(py(y));
    }
    if (!path.empty())
      svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour +
             "\" stroke-width=\"2\"><title>" + escapeXml(series[i].name) + "</title></path>\n";
    double ly = top + 14 + 18 * i;
    svg += "<line x1=\"" + number(left + plotW + 12) + "\" y1=\"" + number(ly) + "\" x2=\"" +
           number(left + plotW + 32) + "\" y2=\"" + number(ly) + "\" stroke=\"" + colour +
           "\" stroke-width=\"2\"/>\n";
    svg += "<text x=\"" + number(left + plotW + 38) + "\" y=\"" + number(ly + 4) + "\">" +
           escapeXml(series[i].name) + "</text>\n";
  }
  if (!markerId.empty()) {
    svg += "<g id=\"" + escapeXml(markerId) + "\" visibility=\"hidden\" data-x-lo=\"" +
           std::to_string(xLo) + "\" data-x-hi=\"" + std::to_string(xHi) +
           "\" data-y-lo=\"" + std::to_string(yLo) + "\" data-y-hi=\"" +
           std::to_string(yHi) + "\" data-left=\"" + number(left) + "\" data-top=\"" +
           number(top) + "\" data-width=\"" + number(plotW) + "\" data-height=\"" +
           number(plotH) + "\">\n<line x1=\"0\" y1=\"" + number(top) + "\" x2=\"0\" y2=\"" +
           number(top + plotH) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n";
    for (size_t i = 0; i < series.size(); ++i)
      svg += "<circle r=\"4\" cx=\"0\" cy=\"0\" fill=\"" + std::string(colours[i % 8]) +
             "\"/>\n";
    svg += "</g>\n";
  }
  svg += "</svg>\n";
  return svg;
}
