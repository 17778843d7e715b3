package io.scalinglab.id.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The blocked float32 search returns exactly what a brute-force float64 search by differences
 * returns: the same distances, bit for bit, and the same neighbours (ties broken by index).
 */
class ExactKnnTest {

  @Test
  void gaussianPointsMatchBruteForceAcrossBlockSizesAndThreads() {
    Points p = gaussian(700, 40, 1);
    Neighbours expected = bruteForce(p, 10);
    for (int block : new int[] {64, 97, 700, 1024}) {
      for (int threads : new int[] {1, 3}) {
        Neighbours got =
            ExactKnn.search(p, 10, new ExactKnn.Options(threads, block), Progress.NONE);
        assertEquals(expected, got, "block " + block + ", threads " + threads);
        assertEquals(700, got.stats().floatCertified(), "block " + block);
      }
    }
  }

  @Test
  void farFromTheOriginIsHandledByCentring() {
    // A 2-d disc of radius 1 placed 1e4 away from the origin: without centring, float32 Gram
    // products of norms 1e8 could not tell its neighbours apart.
    SplittableRandom rnd = new SplittableRandom(2);
    int n = 500;
    int d = 16;
    double[] v = new double[n * d];
    for (int i = 0; i < n; i++) {
      Arrays.fill(v, i * d, i * d + d, 1e4 / Math.sqrt(d));
      v[i * d] += rnd.nextDouble(-1, 1);
      v[i * d + 1] += rnd.nextDouble(-1, 1);
    }
    Points p = new Points(v, n, d);
    assertEquals(bruteForce(p, 8), ExactKnn.search(p, 8, options(2, 100), Progress.NONE));
  }

  @Test
  void anOutlierForcesTheFloat64PassAndTheAnswerStaysExact() {
    // One point a million times farther out than the rest makes the float32 error bound larger
    // than the gaps between neighbours, so the float64 pass must decide.
    Points base = gaussian(400, 12, 3);
    double[] v = base.values().clone();
    for (int c = 0; c < 12; c++) {
      v[c] = 1e6;
    }
    Points p = new Points(v, 400, 12);
    Neighbours got = ExactKnn.search(p, 6, options(2, 64), Progress.NONE);
    assertEquals(bruteForce(p, 6), got);
    assertTrue(got.stats().doubleCertified() > 0, got.stats().toString());
  }

  @Test
  void nearlyCoincidentPointsFallBackToDifferences() {
    // A cluster 1e-9 wide next to points at distance 1: not even float64 Gram products resolve
    // the cluster, differences do.
    SplittableRandom rnd = new SplittableRandom(4);
    int n = 300;
    int d = 8;
    double[] v = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        v[i * d + c] = i < 150 ? 1 + rnd.nextDouble() * 1e-9 : rnd.nextGaussian();
      }
    }
    Points p = new Points(v, n, d);
    Neighbours got = ExactKnn.search(p, 5, options(2, 64), Progress.NONE);
    assertEquals(bruteForce(p, 5), got);
    assertTrue(got.stats().bruteForce() > 0, got.stats().toString());
  }

  @Test
  void kEqualToNMinusOneUsesEveryPoint() {
    Points p = gaussian(9, 3, 5);
    assertEquals(bruteForce(p, 8), ExactKnn.search(p, 8, options(2, 4), Progress.NONE));
  }

  @Test
  void tiesOnAGridGiveTheSameDistances() {
    int side = 12;
    double[] v = new double[side * side * 2];
    for (int i = 0; i < side * side; i++) {
      v[2 * i] = i % side;
      v[2 * i + 1] = i / side;
    }
    Points p = new Points(v, side * side, 2);
    Neighbours got = ExactKnn.search(p, 6, options(2, 32), Progress.NONE);
    assertArrayEquals(bruteForce(p, 6).distances(), got.distances());
  }

  @Test
  void tooFewPointsIsRefused() {
    Points p = gaussian(5, 3, 6);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ExactKnn.search(p, 5, options(1, 8), Progress.NONE));
    assertTrue(e.getMessage().contains("5 points are too few for k = 5"), e.getMessage());
  }

  @Test
  void progressReachesEveryPair() {
    Points p = gaussian(300, 5, 7);
    long[] last = new long[2];
    ExactKnn.search(
        p,
        4,
        options(1, 50),
        (stage, done, total) -> {
          if (stage.equals("knn")) {
            last[0] = done;
            last[1] = total;
          }
        });
    assertEquals(21, last[1]); // 6 blocks: 6·7/2 pairs
    assertEquals(21, last[0]);
  }

  static ExactKnn.Options options(int threads, int block) {
    return new ExactKnn.Options(threads, block);
  }

  static Points gaussian(int n, int d, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Points(v, n, d);
  }

  /** Every distance by differences, sorted by distance then index. */
  static Neighbours bruteForce(Points p, int k) {
    int n = p.n();
    double[] dist = new double[n * k];
    int[] idx = new int[n * k];
    for (int i = 0; i < n; i++) {
      int self = i;
      double[] sq = new double[n];
      for (int j = 0; j < n; j++) {
        sq[j] = p.squaredDistance(i, j);
      }
      int[] order =
          IntStream.range(0, n)
              .filter(j -> j != self)
              .boxed()
              .sorted(Comparator.<Integer>comparingDouble(j -> sq[j]).thenComparingInt(j -> j))
              .mapToInt(Integer::intValue)
              .toArray();
      for (int j = 0; j < k; j++) {
        dist[i * k + j] = Math.sqrt(sq[order[j]]);
        idx[i * k + j] = order[j];
      }
    }
    return new Neighbours(n, k, dist, idx, new Neighbours.KnnStats(0, 0, 0, 0, 0, 0));
  }
}
