package io.scalinglab.analysis.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.style.Styler;

/**
 * A figure of time series, one panel per monitoring query, drawn with the report's charting ({@link
 * Figure}, {@link Panel}): how the Grafana dashboard's panels look on a real scrape, for a reader
 * without a Grafana. Each series is a line over seconds since the window began (a single sample is
 * a marker); its legend ends with its last value, which is what Grafana's stat and table panels
 * show. Samples that are not numbers (NaN before a first value) are left out.
 */
public final class TimeSeriesFigure {
  /** One series: a legend and its samples. */
  public record Series(String label, double[] seconds, double[] values) {
    public Series {
      Objects.requireNonNull(label, "label");
      if (seconds.length != values.length) {
        throw new IllegalArgumentException(
            "series " + label + ": " + seconds.length + " times but " + values.length + " values");
      }
      seconds = seconds.clone();
      values = values.clone();
    }
  }

  /** One dashboard panel: its title, what its values measure, and its series. */
  public record PanelData(String title, String yTitle, List<Series> series) {
    public PanelData {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(yTitle, "yTitle");
      series = List.copyOf(series);
    }
  }

  private TimeSeriesFigure() {}

  /**
   * The panels in a grid of {@code columns}, as PNG bytes at the nominal size ({@code scale} 1) or
   * sharper.
   */
  public static byte[] png(String name, List<PanelData> panels, int columns, int scale) {
    List<Panel> drawn = new ArrayList<>();
    for (PanelData p : panels) {
      drawn.add(draw(p));
    }
    return new Figure(name, name, drawn, columns).png(scale);
  }

  private static Panel draw(PanelData data) {
    Panel panel = new Panel(data.title(), "seconds", data.yTitle(), false, false);
    // Grafana's legends (model, dataset, run) are too long to stand side by side
    panel.chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    int colour = 0;
    for (Series s : data.series()) {
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < s.values().length; i++) {
        if (Double.isFinite(s.values()[i])) {
          points.add(new double[] {s.seconds()[i], s.values()[i]});
        }
      }
      if (points.isEmpty()) {
        continue;
      }
      double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
      double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
      String label = s.label() + " = " + Panel.si(y[y.length - 1]);
      var color = Panel.PALETTE[colour++ % Panel.PALETTE.length];
      if (x.length == 1) {
        panel.points(label, x, y, color);
      } else {
        panel.line(label, x, y, color, false);
      }
    }
    if (colour == 0) {
      throw new IllegalArgumentException("panel " + data.title() + " has no numeric sample");
    }
    return panel;
  }
}
