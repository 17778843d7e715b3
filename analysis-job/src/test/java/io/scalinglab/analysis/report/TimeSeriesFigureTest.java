package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scalinglab.analysis.report.TimeSeriesFigure.PanelData;
import io.scalinglab.analysis.report.TimeSeriesFigure.Series;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TimeSeriesFigureTest {
  @Test
  void drawsOnePanelPerQueryInAGrid() throws IOException {
    PanelData loss =
        new PanelData(
            "Training loss",
            "loss",
            List.of(
                new Series("run a", new double[] {0, 1, 2}, new double[] {5.5, 5.3, 5.2}),
                new Series("run b", new double[] {0, 1, 2}, new double[] {Double.NaN, 5.4, 5.1})));
    PanelData eta =
        new PanelData(
            "ETA", "seconds", List.of(new Series("sweep", new double[] {3}, new double[] {8})));
    PanelData runs =
        new PanelData(
            "Runs", "runs", List.of(new Series("done", new double[] {0, 3}, new double[] {0, 2})));
    byte[] png = TimeSeriesFigure.png("dashboard", List.of(loss, eta, runs), 2, 2);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    // two columns, two rows, at twice the nominal size
    assertEquals(2 * 2 * Panel.WIDTH, image.getWidth());
    assertEquals(2 * 2 * Panel.HEIGHT, image.getHeight());
  }

  @Test
  void aPanelWithoutANumberIsAnError() {
    PanelData nan =
        new PanelData(
            "ETA", "s", List.of(new Series("sweep", new double[] {1}, new double[] {Double.NaN})));
    assertThrows(
        IllegalArgumentException.class, () -> TimeSeriesFigure.png("d", List.of(nan), 1, 1));
  }
}
