package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.analysis.sweep.SweepAnalysisFixture;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The figures render headless to PNG and SVG. */
class FiguresTest {

  static AnalysisResult result() {
    return SweepAnalysis.analyze(
        SweepAnalysisFixture.data(), SweepAnalysisFixture.SETTINGS, s -> {});
  }

  @Test
  void everyFigureRendersAsPngAndSvg() throws IOException {
    List<Figure> figures = Figures.of(result());
    assertEquals(
        List.of(
            "data-scaling", "model-scaling", "intrinsic-dimension", "id-layers", "extrapolation"),
        figures.stream().map(Figure::name).toList());
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "scalinglab-figures");
    Files.createDirectories(dir);
    for (Figure f : figures) {
      byte[] png = f.png();
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(2 * f.width(), image.getWidth());
      assertEquals(2 * f.height(), image.getHeight());
      String svg = f.svg();
      assertTrue(svg.contains("<svg"), f.name());
      assertTrue(svg.contains("</svg"), f.name()); // Batik breaks the end tag: "</svg\n>"
      Files.write(dir.resolve(f.name() + ".png"), png);
      Files.writeString(dir.resolve(f.name() + ".svg"), svg);
    }
    // two datasets: two panels per scaling figure; three panels of ID (layer: its own figure)
    assertEquals(2, figures.get(0).panels().size());
    assertEquals(3, figures.get(2).panels().size());
  }
}
