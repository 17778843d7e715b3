package io.scalinglab.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Comparison;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The regime check of each fit and the ID's systematic spread, on the synthetic sweep. */
class RegimeAndSpreadTest {

  /** The synthetic runs with a regime each: {@code improving} for the ids given, else converged. */
  private static SweepData withRegimes(Set<String> improving) {
    SweepData d = SweepAnalysisFixture.data();
    List<Run> runs =
        d.runs().stream()
            .map(
                r ->
                    new Run(
                        r.runId(),
                        r.dataset(),
                        r.model(),
                        r.status(),
                        r.paramsTotal(),
                        r.paramsNonEmbedding(),
                        r.trainTokens(),
                        r.loss(),
                        r.width(),
                        r.layers(),
                        r.intrinsicDim(),
                        improving.contains(r.runId()) ? Run.IMPROVING : Run.CONVERGED,
                        r.trainTokens() / 1e6,
                        r.trainTokens() / r.paramsTotal()))
            .toList();
    return new SweepData(runs, d.ids(), d.layers(), d.positions(), d.convergence());
  }

  private static Comparison comparison(DatasetResult d, Axis axis) {
    return d.comparisons().stream().filter(c -> c.axis() == axis).findFirst().orElseThrow();
  }

  @Test
  void aFitWhoseRunsWereStillImprovingIsNotComparable() {
    // tiny: the largest subset's run of the largest model still improving (data axis), and the
    // same run sits in the model axis' primary group; sql: one small model at the most tokens
    AnalysisResult r =
        SweepAnalysis.analyze(
            withRegimes(Set.of("tiny-n2-d3", "sql-n0-d3")), SweepAnalysisFixture.SETTINGS, s -> {});
    DatasetResult sql = r.datasets().get(0);
    DatasetResult tiny = r.datasets().get(1);

    Comparison tinyData = comparison(tiny, Axis.DATA);
    assertEquals(Comparison.NOT_COMPARABLE, tinyData.regime());
    assertEquals("not comparable", tinyData.verdictKey());
    assertTrue(tinyData.verdict().contains("tiny-n2-d3"), tinyData.verdict());
    assertTrue(tinyData.verdict().contains("still improving"), tinyData.verdict());
    assertEquals("not comparable", comparison(tiny, Axis.MODEL).verdictKey());

    Comparison sqlData = comparison(sql, Axis.DATA);
    assertEquals("ok", sqlData.regime());
    assertFalse(sqlData.verdictKey().equals("not comparable"));
    Comparison sqlModel = comparison(sql, Axis.MODEL);
    assertEquals("not comparable", sqlModel.verdictKey());
    assertTrue(sqlModel.regimeReason().startsWith("1 of 3 runs had not converged: sql-n0-d3"));
    // the flag is on the fit record too, and the notes say it
    assertTrue(
        sql.fits().stream()
            .filter(f -> f.axis().equals(java.util.Optional.of(Axis.MODEL)) && f.primary())
            .allMatch(f -> !f.regime().comparable()));
    assertTrue(
        sql.notes().stream().anyMatch(n -> n.contains("had not converged")),
        sql.notes().toString());
  }

  @Test
  void tablesWithoutRegimeColumnsAreUnknownNotFlagged() {
    DatasetResult tiny =
        SweepAnalysis.analyze(SweepAnalysisFixture.data(), SweepAnalysisFixture.SETTINGS, s -> {})
            .datasets()
            .get(1);
    Comparison c = comparison(tiny, Axis.DATA);
    assertEquals("unknown", c.regime());
    assertTrue(c.regimeReason().contains("results.csv has no regime"), c.regimeReason());
    assertFalse(c.verdictKey().equals("not comparable"));
  }

  /**
   * The chosen estimate (run tiny-n2-d3, layer 2, d = 12) moves over layer (11 at layer 1), run (11
   * to 12 at layer 2) and, from the id job's sweeps, K (10 to 13 over K = 5 … 50) and n (11.8 and
   * 12 at n/2 and n; the smaller subsamples are left out): the band on d is [10, 13], K dominates,
   * and α_D = 2/(2 + d) maps it to [2/15, 2/12].
   */
  @Test
  void theIdSpreadBecomesABandOnThePredictedExponent() {
    SweepData d = SweepAnalysisFixture.data();
    IdConvergence curve =
        new IdConvergence(
            "tiny-n2-d3",
            "2",
            "mle",
            "euclidean",
            20,
            "global",
            List.of(
                new double[] {62, 8},
                new double[] {250, 10},
                new double[] {500, 11.8},
                new double[] {1000, 12}),
            List.of(
                new double[] {5, 10},
                new double[] {10, 11},
                new double[] {20, 12},
                new double[] {50, 13}),
            java.util.Optional.of(true),
            0.2 / 12,
            0.02);
    SweepData withCurve =
        new SweepData(d.runs(), d.ids(), d.layers(), d.positions(), List.of(curve));
    DatasetResult tiny =
        SweepAnalysis.analyze(withCurve, SweepAnalysisFixture.SETTINGS, s -> {}).datasets().get(1);
    IdSpread spread = tiny.spread().orElseThrow();
    assertEquals(
        List.of("layer", "run", "K", "n"),
        spread.sources().stream().map(IdSpread.Source::name).toList());
    assertEquals(10, spread.d().low(), 1e-12);
    assertEquals(13, spread.d().high(), 1e-12);
    assertEquals("K", spread.dominant().orElseThrow().name());
    IdSpread.Source n = spread.sources().get(3);
    assertEquals(11.8, n.low(), 1e-12);
    Comparison c = comparison(tiny, Axis.DATA);
    assertEquals(2.0 / 15, c.systematic().low(), 1e-12);
    assertEquals(2.0 / 12, c.systematic().high(), 1e-12);
    assertEquals("K", c.systematicSource());
    // the sampling interval [11.5, 12.5] on d is narrower than the band: systematic dominates
    assertTrue(c.dominance().startsWith("the ID's systematic spread"), c.dominance());
  }
}
