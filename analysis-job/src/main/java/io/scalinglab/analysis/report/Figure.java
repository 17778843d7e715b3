package io.scalinglab.analysis.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.w3c.dom.Document;

/**
 * A figure: panels laid out in a grid, rendered as PNG (through Java2D and ImageIO) and as SVG (the
 * same drawing calls recorded by Batik's {@link SVGGraphics2D}), so both show the same.
 *
 * @param name file stem ({@code data-scaling})
 * @param caption what the figure shows, for the report
 */
record Figure(String name, String caption, List<Panel> panels, int columns) {
  Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(caption, "caption");
    panels = List.copyOf(panels);
    if (panels.isEmpty() || columns < 1) {
      throw new IllegalArgumentException("a figure needs panels and columns >= 1");
    }
  }

  int width() {
    return Math.min(columns, panels.size()) * Panel.WIDTH;
  }

  int height() {
    return ((panels.size() + columns - 1) / columns) * Panel.HEIGHT;
  }

  /** The figure as PNG bytes, at twice the nominal size so it stays sharp on dense screens. */
  byte[] png() {
    return png(2);
  }

  /** The figure as PNG bytes, {@code scale} times the nominal size. */
  byte[] png(int scale) {
    BufferedImage image =
        new BufferedImage(width() * scale, height() * scale, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.scale(scale, scale);
      paint(g);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The figure as an SVG document. */
  String svg() {
    Document doc;
    try {
      doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("no XML document builder in this JVM", e);
    }
    SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
    ctx.setComment("scalinglab analysis figure " + name + " (XChart, Batik SVG generator)");
    SVGGraphics2D g = new SVGGraphics2D(ctx, false);
    g.setSVGCanvasSize(new java.awt.Dimension(width(), height()));
    paint(g);
    StringWriter w = new StringWriter();
    try {
      g.stream(w, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private void paint(Graphics2D g) {
    for (int i = 0; i < panels.size(); i++) {
      int x = (i % columns) * Panel.WIDTH;
      int y = (i / columns) * Panel.HEIGHT;
      Graphics2D sub = (Graphics2D) g.create(x, y, Panel.WIDTH, Panel.HEIGHT);
      try {
        panels.get(i).chart.paint(sub, Panel.WIDTH, Panel.HEIGHT);
      } finally {
        sub.dispose();
      }
    }
  }
}
