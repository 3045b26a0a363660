//===- Charts.h - SVG charts for costopt reports ----------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_LIB_DRIVER_CHARTS_H
#define COSTOPT_LIB_DRIVER_CHARTS_H

#include <string>
#include <utility>
#include <vector>

namespace costopt {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points; ///< (x, y), y > 0 for log axes
};

/// Escapes &, <, > and " for XML and HTML text and attributes.
std::string escapeXml(const std::string &text);

/// A self-contained log-log line chart (no scripts, no external fonts).
/// With a `markerId`, it also holds a hidden group of that id (a vertical
/// line and one dot per series) whose data-* attributes give the axes'
/// mapping, for a script to move along the curves.
std::string renderLogLogSvg(const std::string &title, const std::string &xLabel,
                            const std::string &yLabel, const std::vector<ChartSeries> &series,
                            const std::string &markerId = "");

} // namespace costopt

#endif // COSTOPT_LIB_DRIVER_CHARTS_H
