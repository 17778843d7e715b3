package io.scalinglab.id.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scalinglab.core.config.IdConfig.Metric;
import io.scalinglab.core.config.IdConfig.NonFinite;
import org.junit.jupiter.api.Test;

/** What preparation keeps, drops and shares. */
class PreprocessTest {

  @Test
  void duplicatesAreFoundWhateverTheSignOfZero() {
    double[] v = {0.0, 1, -0.0, 1, 2, 3, 0, 1};
    Preprocess.Prepared p = Preprocess.prepare(v, 4, 2, Metric.EUCLIDEAN, NonFinite.FAIL, true);
    assertEquals(2, p.duplicates());
    assertArrayEquals(new int[] {0, 2}, p.rows());
    assertArrayEquals(new double[] {0, 1, 2, 3}, p.points().values());
  }

  @Test
  void cleanEuclideanRowsAreSharedNotCopied() {
    double[] v = {1, 2, 3, 4, 5, 7};
    Preprocess.Prepared p = Preprocess.prepare(v, 3, 2, Metric.EUCLIDEAN, NonFinite.FAIL, true);
    assertSame(v, p.points().values());
  }

  @Test
  void unitMetricsScaleRowsAndDropZeroRowsOnRequest() {
    double[] v = {3, 4, 0, 0, 0, 2, 6, 8};
    Preprocess.Prepared p = Preprocess.prepare(v, 4, 2, Metric.COSINE, NonFinite.DROP, true);
    assertEquals(1, p.zeroRows());
    assertEquals(1, p.duplicates()); // (6, 8) points the same way as (3, 4)
    assertArrayEquals(new double[] {0.6, 0.8, 0, 1}, p.points().values(), 1e-15);
    assertThrows(
        InvalidPointsException.class,
        () -> Preprocess.prepare(v, 4, 2, Metric.ANGULAR, NonFinite.FAIL, true));
  }

  @Test
  void metricDistancesFollowFromTheChord() {
    double chord = Math.sqrt(2); // two orthogonal unit vectors
    assertEquals(Math.PI / 2, Preprocess.distance(Metric.ANGULAR, chord), 1e-15);
    assertEquals(1.0, Preprocess.distance(Metric.COSINE, chord), 1e-15);
    assertEquals(chord, Preprocess.distance(Metric.EUCLIDEAN, chord));
  }
}
