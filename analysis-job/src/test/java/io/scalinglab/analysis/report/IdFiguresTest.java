package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.IdConvergence;
import io.scalinglab.analysis.sweep.IdRow;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.analysis.sweep.SweepAnalysisFixture;
import io.scalinglab.analysis.sweep.SweepData;
import io.scalinglab.analysis.table.Table;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The ID-against-layer figure (every layer from emb to ln_f, and the h_final of runs collected
 * before every layer was) and the convergence figure with its verdicts, rendered to PNG and SVG
 * (left in {@code target/id-figures/} to look at).
 */
class IdFiguresTest {
  static final List<String> LAYERS = new ArrayList<>();

  static {
    LAYERS.add("emb");
    for (int i = 0; i < 12; i++) {
      LAYERS.add("h_" + i);
    }
    LAYERS.add("h_final");
    LAYERS.add("ln_f");
  }

  /** Estimates of every layer of the three tiny runs at the largest D, written in text order. */
  static String estimates(List<String> layers) {
    StringBuilder sb =
        new StringBuilder(
            "sweep,run_id,model,parameters,activation,layer,site,estimator,k,combine,metric,"
                + "protocol,n,dim,id,ci_low,ci_high,batch_count,batch_std,batch_min,batch_max,"
                + "seconds,levelled_off,last_doubling_change,levelled_off_tolerance\n");
    for (int i = 0; i < 3; i++) {
      for (String layer : layers.stream().sorted().toList()) {
        double depth = LAYERS.indexOf(layer);
        double id = 6 + 4 * i + 8 * Math.sin(depth / 4.0) - (layer.equals("ln_f") ? 1 : 0);
        boolean moving = i == 0 && depth > 6;
        sb.append(
            String.format(
                Locale.ROOT,
                "s,tiny-n%d-d3,m%d,1,%s,%s,,mle,20,mean,euclidean,global,20000,64,%.3f,%.3f,%.3f,"
                    + ",,,,1.0,%s,%.4f,0.02%n",
                i,
                i,
                layer,
                layer,
                id,
                id - 0.3,
                id + 0.3,
                !moving,
                moving ? 0.034 : 0.006));
      }
    }
    return sb.toString();
  }

  /** The n and k sweeps of every estimate: rising towards the full estimate. */
  static String sweeps(List<String> layers) {
    StringBuilder sb =
        new StringBuilder(
            "sweep,run_id,activation,layer,estimator,metric,estimate_k,protocol,kind,value,id\n");
    Table est = Table.parse("estimates.csv", estimates(layers));
    for (IdRow r : IdRow.fromTable(est)) {
      for (int h = 4; h >= 0; h--) {
        double lag = r.runId().endsWith("n0-d3") ? 0.034 : 0.006;
        double id = r.id() * Math.pow(1 - lag, h);
        sb.append(row(r, "n", 20000 >> h, id));
      }
      for (int k : new int[] {5, 10, 20, 50}) {
        sb.append(row(r, "k", k, r.id() * (1 - 0.02 * Math.log((double) k / 20))));
      }
    }
    return sb.toString();
  }

  private static String row(IdRow r, String kind, int value, double id) {
    return String.format(
        Locale.ROOT,
        "s,%s,%s,%s,mle,euclidean,20,global,%s,%d,%.4f%n",
        r.runId(),
        r.layer(),
        r.layer(),
        kind,
        value,
        id);
  }

  static AnalysisResult result(List<String> layers) {
    Table est = Table.parse("estimates.csv", estimates(layers));
    Table sw = Table.parse("sweeps.csv", sweeps(layers));
    SweepData base = SweepAnalysisFixture.data();
    List<Run> runs = base.runs();
    SweepData data =
        new SweepData(
            runs,
            IdRow.fromTable(est),
            List.of(),
            List.of(),
            IdConvergence.fromTables(est, Optional.of(sw)));
    return SweepAnalysis.analyze(data, SweepAnalysisFixture.SETTINGS, s -> {});
  }

  @Test
  void everyLayerFromTheEmbeddingToTheOutputIsOneCategory() throws IOException {
    AnalysisResult result = result(LAYERS);
    assertEquals(LAYERS, IdFigures.layerAxis(result));
    Figure f = IdFigures.layers(result).orElseThrow();
    assertEquals(1, f.panels().size());
    render(f, "id-layers");
    Figure c = IdFigures.convergence(result).orElseThrow();
    assertEquals(6, c.panels().size()); // three runs: n and K each
    assertTrue(
        c.panels().get(0).chart.getTitle().contains("tiny, N = 16M"),
        c.panels().get(0).chart.getTitle());
    String largest = c.panels().get(0).chart.getTitle();
    assertTrue(largest.endsWith("ln_f: levelled off"), largest);
    String smallest = c.panels().get(4).chart.getTitle();
    assertTrue(smallest.endsWith("ln_f: still moving"), smallest);
    render(c, "id-convergence");
  }

  @Test
  void aLargeSweepDrawsOneSeedPerSizeAtTheLargestDataSizeOnePanelPerProtocol() throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "sweep,run_id,model,parameters,activation,layer,site,estimator,k,combine,metric,"
                + "protocol,n,dim,id\n");
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (String protocol : List.of("global", "paper")) {
          for (String layer : List.of("emb", "h_0", "ln_f")) {
            sb.append(
                String.format(
                    Locale.ROOT,
                    "s,tiny-n%d-d%d,m%d,1,%s,%s,,mle,20,mean,euclidean,%s,2000,64,%.2f%n",
                    i,
                    j,
                    i,
                    layer,
                    layer,
                    protocol,
                    5.0 + i + j + layer.length()));
          }
        }
      }
    }
    SweepData base = SweepAnalysisFixture.data();
    SweepData data =
        new SweepData(
            base.runs(),
            IdRow.fromTable(Table.parse("estimates.csv", sb.toString())),
            List.of(),
            List.of());
    AnalysisResult result = SweepAnalysis.analyze(data, SweepAnalysisFixture.SETTINGS, s -> {});
    Figure f = IdFigures.layers(result).orElseThrow();
    assertEquals(2, f.panels().size(), "one panel per protocol");
    for (Panel p : f.panels()) {
      // 11 sizes (one run diverged) are more than a legend holds: the 3 at D = 6.4e8 remain
      List<String> legend =
          p.chart.getSeriesMap().values().stream()
              .filter(x -> x.isShowInLegend())
              .map(x -> x.getName())
              .toList();
      assertEquals(3, legend.size(), legend.toString());
    }
    render(f, "id-layers-large-sweep");
  }

  @Test
  void runsWithTheLastBlockOnlyStillDraw() throws IOException {
    AnalysisResult result = result(List.of("h_final"));
    assertEquals(List.of("h_final"), IdFigures.layerAxis(result));
    render(IdFigures.layers(result).orElseThrow(), "id-layers-h-final");
    // the predictions' ID comes from the last block, never from the embedding
    AnalysisResult all = result(LAYERS);
    String chosen =
        all.datasets().stream()
            .filter(d -> d.dataset().equals("tiny"))
            .findFirst()
            .orElseThrow()
            .id()
            .orElseThrow()
            .row()
            .layer();
    assertTrue(chosen.equals("h_final") || chosen.equals("ln_f"), chosen);
  }

  @Test
  void everyDepthRendersInTime() {
    // XChart's tick search can loop forever on a custom axis formatter; every depth of 1 to 15
    // layers must render
    for (int n = 1; n <= LAYERS.size(); n++) {
      AnalysisResult result = result(LAYERS.subList(LAYERS.size() - n, LAYERS.size()));
      Figure f = IdFigures.layers(result).orElseThrow();
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> f.png(), n + " layers");
    }
  }

  @Test
  void withoutSweepsThereIsNoConvergenceFigure() {
    AnalysisResult old =
        SweepAnalysis.analyze(SweepAnalysisFixture.data(), SweepAnalysisFixture.SETTINGS, s -> {});
    assertTrue(IdFigures.convergence(old).isEmpty());
    assertTrue(IdFigures.layers(old).isPresent()); // layers 1 and 2 of the synthetic sweep
  }

  @Test
  void theVerdictSaysHowMuchTheLastDoublingMovedIt() {
    IdConvergence moving =
        new IdConvergence(
            "r",
            "h_final",
            "mle",
            "euclidean",
            20,
            "paper",
            List.of(),
            List.of(),
            Optional.of(false),
            0.034,
            0.02);
    assertEquals(
        "paper, n per batch: still moving (+3.4 % over the last doubling; tolerance 2.0 %)",
        IdFigures.describe(moving));
  }

  private static void render(Figure f, String name) throws IOException {
    byte[] png = f.png();
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(2 * f.width(), image.getWidth());
    String svg = f.svg();
    assertTrue(svg.contains("<svg") && svg.contains("</svg"), name);
    Path dir = Path.of("target", "id-figures");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), png);
    Files.writeString(dir.resolve(name + ".svg"), svg);
  }
}
