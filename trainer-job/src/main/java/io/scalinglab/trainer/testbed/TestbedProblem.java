package io.scalinglab.trainer.testbed;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.TestbedSettings;
import io.scalinglab.manifold.EmbeddedManifold;
import io.scalinglab.manifold.Sample;
import java.util.SplittableRandom;

/**
 * One regression problem of the testbed: a d-dimensional manifold embedded in {@code R^ambient}, a
 * β-Hölder target on it, and a fixed validation set; all drawn from {@code testbed.data-seed} and
 * d, so every run of one dimension sees the same problem. Training sets are drawn per run seed; a
 * smaller one is a prefix of a larger one of the same seed, as the corpus subsets are.
 */
public final class TestbedProblem {
  private final String dataset;
  private final EmbeddedManifold manifold;
  private final HolderTarget target;
  private final double labelNoise;
  private final long seed;
  private final Split validation;

  /**
   * Points with their labels.
   *
   * @param x the points, {@code n × ambient} row-major
   * @param y the labels the model is trained or evaluated on
   * @param clean the noiseless target at each point
   */
  public record Split(double[] x, double[] y, double[] clean, int n, int ambient) {
    public Split {
      requireNonNull(x, "x");
      requireNonNull(y, "y");
      requireNonNull(clean, "clean");
      if ((long) n * ambient != x.length || y.length != n || clean.length != n) {
        throw new IllegalArgumentException("a split of " + n + " points has mismatched arrays");
      }
    }
  }

  private TestbedProblem(
      String dataset,
      EmbeddedManifold manifold,
      HolderTarget target,
      double labelNoise,
      long seed,
      int valSamples) {
    this.dataset = dataset;
    this.manifold = manifold;
    this.target = target;
    this.labelNoise = labelNoise;
    this.seed = seed;
    Sample v = manifold.sample(valSamples, new SplittableRandom(seed).split());
    double[] f = target.values(v.values());
    this.validation = new Split(v.values(), f, f, v.n(), v.ambient());
  }

  /** The problem of dimension {@code d} under {@code settings}. */
  public static TestbedProblem of(TestbedSettings settings, int d) {
    requireNonNull(settings, "settings");
    // one stream per (data-seed, d): SplittableRandom mixes its seed, so nearby seeds are unrelated
    long seed = new SplittableRandom(settings.dataSeed() + 0x9E3779B97F4A7C15L * d).nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    EmbeddedManifold m =
        EmbeddedManifold.of(
            EmbeddedManifold.Kind.of(settings.manifold()),
            d,
            settings.ambient(),
            settings.frequency(),
            settings.ambientNoise(),
            rnd.nextLong());
    TestbedSettings.Target t = settings.target();
    HolderTarget target = HolderTarget.random(m, t.bumps(), t.radius(), t.beta(), rnd.split());
    return new TestbedProblem(
        settings.datasetName(d), m, target, t.labelNoise(), rnd.nextLong(), settings.valSamples());
  }

  /**
   * {@code n} training points drawn with {@code runSeed}, labelled {@code f(x) + ε}, {@code ε ~
   * N(0, label-noise²)}. Points and noise come from two streams drawn point by point, so the first
   * {@code m} points of a set of n are the set of m.
   */
  public Split training(int n, long runSeed) {
    SplittableRandom rnd = new SplittableRandom(runSeed ^ seed);
    SplittableRandom points = rnd.split();
    SplittableRandom noise = rnd.split();
    Sample s = manifold.sample(n, points);
    double[] clean = target.values(s.values());
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = clean[i] + labelNoise * noise.nextGaussian();
    }
    return new Split(s.values(), y, clean, n, s.ambient());
  }

  /** The validation set: fixed by the data seed, labelled with the noiseless target. */
  public Split validation() {
    return validation;
  }

  public String dataset() {
    return dataset;
  }

  public EmbeddedManifold manifold() {
    return manifold;
  }

  public HolderTarget target() {
    return target;
  }

  public double labelNoise() {
    return labelNoise;
  }
}
