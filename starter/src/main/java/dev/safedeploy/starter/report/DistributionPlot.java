package dev.safedeploy.starter.report;

import dev.safedeploy.workflows.judge.Quantiles;
import java.util.List;
import java.util.Locale;

/**
 * Blue against green as two empirical cumulative distributions drawn from their quantiles, as inline SVG: where the
 * green curve lies right of the blue one, green's values (latency, answers) are larger at that share of requests.
 */
final class DistributionPlot {

  static final String BLUE = "#1f6fd1";
  static final String GREEN = "#1d9a50";
  private static final int W = 420;
  private static final int H = 220;
  private static final int LEFT = 56;
  private static final int RIGHT = 22;
  private static final int TOP = 12;
  private static final int BOTTOM = 36;

  private DistributionPlot() {}

  /** The plot, or null when neither side has a distribution. */
  static String svg(String title, String unit, Quantiles blue, Quantiles green) {
    if (empty(blue) && empty(green)) {
      return null;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Quantiles q : new Quantiles[] {blue, green}) {
      if (!empty(q)) {
        lo = Math.min(lo, q.values().get(0));
        hi = Math.max(hi, q.values().get(q.values().size() - 1));
      }
    }
    if (!(hi > lo)) {
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
      lo -= pad;
      hi += pad;
    }
    StringBuilder s = new StringBuilder();
    s.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " role=\"img\" aria-label=\"%s\">", W, H, W, H, Html.escape(title)));
    s.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>", LEFT, TOP,
        W - LEFT - RIGHT, H - TOP - BOTTOM));
    for (int pct = 0; pct <= 100; pct += 25) {
      double y = y(pct);
      s.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", LEFT, W - RIGHT, y, y));
      s.append(fmt("<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%d%%</text>", LEFT - 4, y + 3,
          pct));
    }
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      double x = x(v, lo, hi);
      s.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>", x, H - BOTTOM + 14,
          number(v)));
    }
    s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
        LEFT + (W - LEFT - RIGHT) / 2, H - 6, Html.escape(unit)));
    curve(s, blue, lo, hi, BLUE, "blue");
    curve(s, green, lo, hi, GREEN, "green");
    s.append("</svg>");
    return s.toString();
  }

  private static void curve(StringBuilder s, Quantiles q, double lo, double hi, String colour, String name) {
    if (empty(q)) {
      return;
    }
    List<Double> v = q.values();
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < v.size(); i++) {
      double pct = 100.0 * i / (v.size() - 1);
      points.append(fmt("%.1f,%.1f ", x(v.get(i), lo, hi), y(pct)));
    }
    s.append(fmt("<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"><title>%s"
        + " (%d samples)</title></polyline>", name, colour, points.toString().trim(), name, q.count()));
  }

  private static boolean empty(Quantiles q) {
    return q == null || q.values().size() < 2;
  }

  private static double x(double v, double lo, double hi) {
    return LEFT + (v - lo) / (hi - lo) * (W - LEFT - RIGHT);
  }

  private static double y(double pct) {
    return TOP + (1 - pct / 100) * (H - TOP - BOTTOM);
  }

  static String number(double v) {
    double a = Math.abs(v);
    return a != 0 && (a < 0.01 || a >= 100_000) ? fmt("%.2e", v) : a < 10 ? fmt("%.3f", v) : fmt("%.1f", v);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
