package io.scalinglab.id.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocols end to end on generated points, and every awkward input's defined answer. */
class EstimationTest {
  private static final KnnEngine LOCAL = KnnEngine.local(2, 256);

  static IdConfig config(String... overrides) {
    return IdConfig.fromConfig(ConfigFactory.parseString(String.join("\n", overrides)));
  }

  static IdEstimate run(Sample s, IdConfig c) {
    return Estimation.estimate(s.values(), s.n(), s.ambient(), c, LOCAL, Progress.NONE);
  }

  @Test
  void globalGivesIntervalAndSweepAndIsDeterministic() {
    Sample s = Manifolds.ball(1500, 4, 16, 1);
    IdEstimate a = run(s, config());
    IdEstimate b = run(s, config());
    assertEquals(a.id(), b.id());
    assertEquals(a.interval(), b.interval());
    assertTrue(a.interval().orElseThrow().low() < a.id() && a.id() < a.interval().get().high());
    assertEquals(List.of(5, 10, 20, 50), a.kSweep().stream().map(IdEstimate.KPoint::k).toList());
    assertEquals(a.id(), a.kSweep().get(2).id());
    assertEquals(1500, a.n());
    assertEquals(16, a.dim());
    assertTrue(Math.abs(a.id() - 4) < 0.4, "MLE " + a.id());
    assertEquals(200, a.interval().get().resamples());
  }

  @Test
  void paperProtocolMakesFullBatchesAndSummarises() {
    Sample s = Manifolds.sphere(2000, 3, 10, 2);
    IdEstimate e = run(s, config("id.protocol = paper", "id.paper.batch-size = 600"));
    IdEstimate.Batches b = e.batches().orElseThrow();
    assertEquals(3, b.count()); // 2000 / 600: three full batches, 200 points left out
    assertEquals(600, b.size());
    assertEquals(1800, e.n());
    assertEquals(Arrays.stream(b.values()).average().orElseThrow(), e.id(), 1e-12);
    assertTrue(b.min() <= e.id() && e.id() <= b.max());
    assertTrue(b.std() >= 0 && b.std() < 0.5, "std " + b.std());
    IdEstimate small = run(s, config("id.protocol = paper", "id.paper.batch-size = 5000"));
    assertEquals(1, small.batches().orElseThrow().count());
    assertEquals(2000, small.n());
  }

  @Test
  void duplicatesAreKeptOnceAndCounted() {
    Sample s = Manifolds.ball(800, 3, 6, 3);
    double[] doubled = Arrays.copyOf(s.values(), s.values().length * 2);
    System.arraycopy(s.values(), 0, doubled, s.values().length, s.values().length);
    IdEstimate once = run(s, config());
    IdEstimate twice = Estimation.estimate(doubled, 1600, 6, config(), LOCAL, Progress.NONE);
    assertEquals(800, twice.input().duplicates());
    assertEquals(once.id(), twice.id());
  }

  @Test
  void constantDataFailsWithAReason() {
    double[] constant = new double[50 * 4];
    Arrays.fill(constant, 1.5);
    InvalidPointsException e =
        assertThrows(
            InvalidPointsException.class,
            () -> Estimation.estimate(constant, 50, 4, config(), LOCAL, Progress.NONE));
    assertTrue(e.problem().contains("all 50 usable rows are identical"), e.getMessage());
    InvalidPointsException pr =
        assertThrows(
            InvalidPointsException.class,
            () ->
                Estimation.estimate(
                    constant, 50, 4, config("id.estimator = pr"), LOCAL, Progress.NONE));
    assertTrue(pr.problem().contains("no spread"), pr.getMessage());
  }

  @Test
  void tooFewPointsForKSaysWhatToLower() {
    Sample s = Manifolds.ball(15, 3, 5, 4);
    InvalidPointsException e = assertThrows(InvalidPointsException.class, () -> run(s, config()));
    assertTrue(e.problem().contains("only 15 distinct points, but k = 20"), e.getMessage());
    assertTrue(e.fix().contains("Lower k"), e.getMessage());
    IdEstimate ok = run(s, config("id.k = 10"));
    assertEquals(List.of(5, 10), ok.kSweep().stream().map(IdEstimate.KPoint::k).toList());
  }

  @Test
  void nonFiniteRowsFailOrAreDropped() {
    Sample s = Manifolds.ball(600, 3, 5, 5);
    double[] v = s.values().clone();
    v[7 * 5 + 2] = Double.NaN;
    v[9 * 5] = Double.POSITIVE_INFINITY;
    InvalidPointsException e =
        assertThrows(
            InvalidPointsException.class,
            () -> Estimation.estimate(v, 600, 5, config(), LOCAL, Progress.NONE));
    assertTrue(e.problem().contains("2 of 600 rows hold NaN or infinite values"), e.getMessage());
    assertTrue(e.problem().contains("the first is row 7"), e.getMessage());
    IdEstimate dropped =
        Estimation.estimate(v, 600, 5, config("id.non-finite = drop"), LOCAL, Progress.NONE);
    assertEquals(2, dropped.input().nonFinite());
    assertEquals(598, dropped.n());
    assertTrue(Double.isFinite(dropped.id()));
  }

  @Test
  void cosineIsExactlyHalfTheChordEstimateAndAngularIsCloseToIt() {
    // On unit vectors the chord is the Euclidean distance; 1 − cos = chord²/2 doubles every
    // log-ratio, so the MLE halves exactly. The angle is within a few percent of the chord for
    // neighbours, so its estimate is nearly the Euclidean one.
    Sample s = Manifolds.sphere(1500, 5, 12, 6);
    IdEstimate euclidean = run(s, config("id.global.bootstrap-resamples = 0"));
    IdEstimate cosine = run(s, config("id.metric = cosine", "id.global.bootstrap-resamples = 0"));
    IdEstimate angular = run(s, config("id.metric = angular", "id.global.bootstrap-resamples = 0"));
    assertEquals(euclidean.id() / 2, cosine.id(), 1e-9 * euclidean.id());
    assertEquals(euclidean.id(), angular.id(), 0.05 * euclidean.id());
    assertTrue(cosine.interval().isEmpty());
  }

  @Test
  void zeroRowsHaveNoDirection() {
    Sample s = Manifolds.ball(300, 3, 5, 7);
    double[] v = s.values().clone();
    Arrays.fill(v, 0, 5, 0.0);
    InvalidPointsException e =
        assertThrows(
            InvalidPointsException.class,
            () ->
                Estimation.estimate(
                    v, 300, 5, config("id.metric = angular"), LOCAL, Progress.NONE));
    assertTrue(e.problem().contains("all zeros"), e.getMessage());
    IdEstimate euclidean = Estimation.estimate(v, 300, 5, config(), LOCAL, Progress.NONE);
    assertEquals(0, euclidean.input().zeroRows());
  }

  @Test
  void twoNnAndParticipationRatioRun() {
    Sample s = Manifolds.ball(2000, 3, 8, 8);
    IdEstimate two = run(s, config("id.estimator = twonn"));
    assertEquals(2, two.k());
    assertTrue(Math.abs(two.id() - 3) < 0.45, "TwoNN " + two.id());
    assertTrue(two.interval().isPresent());
    IdEstimate pr = run(s, config("id.estimator = pr"));
    assertEquals(3, pr.id(), 0.15);
    assertTrue(pr.knn().isEmpty());
  }
}
