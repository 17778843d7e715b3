package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The frontier of the synthetic sweep's joint fits: its budgets, its figure. */
class FrontiersTest {
  @Test
  void budgetsSpanTheSweepAndBeyondAndTheFigureRenders() throws Exception {
    List<Frontiers.Of> frontiers = Frontiers.of(FiguresTest.result());
    assertEquals(2, frontiers.size());
    for (Frontiers.Of o : frontiers) {
      double lo = java.util.Arrays.stream(o.runFlops()).min().orElseThrow();
      double hi = java.util.Arrays.stream(o.runFlops()).max().orElseThrow();
      var points = o.frontier().points();
      assertEquals(lo, points.get(0).flops(), lo * 1e-12);
      assertEquals(hi * Frontiers.BEYOND, points.get(points.size() - 1).flops(), hi * 1e-9);
      for (int i = 1; i < points.size(); i++) {
        assertTrue(points.get(i).nOpt().value() > points.get(i - 1).nOpt().value());
        assertTrue(points.get(i).loss().value() < points.get(i - 1).loss().value());
      }
    }
    Figure f = Frontiers.figure(frontiers).orElseThrow();
    byte[] png = f.png();
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(2 * f.width(), image.getWidth());
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "scalinglab-figures");
    Files.createDirectories(dir);
    Files.write(dir.resolve("frontier.png"), png);
  }
}
