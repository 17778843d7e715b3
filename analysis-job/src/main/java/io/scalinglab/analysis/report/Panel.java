package io.scalinglab.analysis.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Arrays;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One chart of a figure: an XChart {@link XYChart} set up the same way everywhere (logarithmic axes
 * where asked, values plotted as they are, a legend inside the plot), with helpers for the series
 * the analysis draws: points, lines, shaded bands and vertical interval bars.
 */
final class Panel {
  static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
    new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };
  static final int WIDTH = 560;
  static final int HEIGHT = 460;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  final XYChart chart;
  private int hidden;

  Panel(String title, String xTitle, String yTitle, boolean logX, boolean logY) {
    chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    var s = chart.getStyler();
    s.setXAxisLogarithmic(logX);
    s.setYAxisLogarithmic(logY);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(Color.GRAY);
    s.setPlotGridLinesColor(new Color(0xe6e6e6));
    // falling loss curves leave the lower left empty; ID plots have short legends, put below
    if (logY) {
      s.setLegendPosition(Styler.LegendPosition.InsideSW);
    } else {
      s.setLegendPosition(Styler.LegendPosition.OutsideS);
      s.setLegendLayout(Styler.LegendLayout.Horizontal);
    }
    s.setLegendBackgroundColor(new Color(255, 255, 255, 210));
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    s.setMarkerSize(7);
    s.setAntiAlias(true);
    // a custom tick formatter would make XChart space ticks linearly, so log axes keep its own
    if (!logX) {
      chart.setCustomXAxisTickLabelsFormatter(Panel::plain);
    }
    if (logY) {
      s.setYAxisDecimalPattern("0.0##");
    } else {
      chart.setCustomYAxisTickLabelsFormatter(Panel::plain);
    }
  }

  /**
   * Labels every tick of a logarithmic axis (2, 3, … between decades) when the data span less than
   * {@code decades} decades; by default only decades are labelled, which leaves a loss axis
   * spanning 1.5 to 3 without labels.
   */
  void labelMinorTicks(double xSpan, double ySpan) {
    chart.getStyler().setXAxisLogarithmicDecadeOnly(!(xSpan < 5)); // labels crowd otherwise
    chart.getStyler().setYAxisLogarithmicDecadeOnly(!(ySpan < 30));
  }

  /** 1.2k, 85M, 1.6B: a count as people read it. */
  static String si(double v) {
    double a = Math.abs(v);
    if (a >= 1e12) {
      return trim(v / 1e12) + "T";
    }
    if (a >= 1e9) {
      return trim(v / 1e9) + "B";
    }
    if (a >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String plain(double v) {
    return trim(v);
  }

  private static String trim(double v) {
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Points drawn as markers. */
  XYSeries points(String name, double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
    return s;
  }

  /** A line without markers; {@code dashed} for theory lines. */
  XYSeries line(String name, double[] x, double[] y, Color color, boolean dashed) {
    XYSeries s = chart.addSeries(name == null ? hiddenName() : name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(dashed ? SeriesLines.DASH_DASH : new BasicStroke(2f));
    if (name == null) {
      s.setShowInLegend(false);
    }
    return s;
  }

  /** A shaded band between {@code low} and {@code high} over {@code x}. */
  void band(String name, double[] x, double[] low, double[] high, Color color) {
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = low[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = high[i];
    }
    if (Arrays.stream(py).anyMatch(v -> !(v > 0) || !Double.isFinite(v))) {
      return; // no band where an end is not positive (log axes) or unknown
    }
    XYSeries s = chart.addSeries(name == null ? hiddenName() : name, px, py);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 45));
    s.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
    s.setShowInLegend(name != null);
  }

  /** A vertical bar from {@code low} to {@code high} at {@code x}, left out of the legend. */
  void bar(double x, double low, double high, Color color) {
    if (!(low > 0) || !(high > 0) || !Double.isFinite(low) || !Double.isFinite(high)) {
      return;
    }
    XYSeries s = chart.addSeries(hiddenName(), new double[] {x, x}, new double[] {low, high});
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(1.2f));
    s.setShowInLegend(false);
  }

  private String hiddenName() {
    return "\u200b" + (hidden++); // XChart needs unique names; these are never shown
  }

  /** {@code n} points spaced evenly in log between {@code from} and {@code to}. */
  static double[] logSpace(double from, double to, int n) {
    double[] x = new double[n];
    double a = Math.log(from);
    double b = Math.log(to);
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(a + (b - a) * i / (n - 1));
    }
    return x;
  }
}
