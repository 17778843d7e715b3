package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The theory testbed ({@code testbed} in reference.conf): regression on points of a manifold of
 * known dimension, the target's smoothness, the sizes a sweep trains and what the model pools.
 *
 * @param enabled whether the config describes a testbed sweep
 * @param manifold {@code sphere}, {@code torus} or {@code fourier-cube}
 * @param dims intrinsic dimensions, one dataset each
 * @param ambient dimension of the points
 * @param tokenWidth coordinates per token; divides {@code ambient}
 * @param frequency ω of the Fourier-feature embedding
 * @param ambientNoise standard deviation of the noise on each coordinate
 * @param dataSeed seed of the embedding, the target and the validation points
 * @param target the regression target
 * @param samples training set sizes
 * @param valSamples validation points
 * @param design {@code axes} or {@code grid}
 * @param dataModel index into {@code sweep.models} of the data axis's model; -1 the last
 * @param modelSamples n of the model axis; 0 the largest of {@code samples}
 * @param pooling {@code mean} or {@code first}
 */
public record TestbedSettings(
    boolean enabled,
    String manifold,
    List<Integer> dims,
    int ambient,
    int tokenWidth,
    double frequency,
    double ambientNoise,
    long dataSeed,
    Target target,
    List<Integer> samples,
    int valSamples,
    String design,
    int dataModel,
    int modelSamples,
    String pooling) {

  /**
   * The regression target: {@code bumps} bumps of radius {@code radius} and Hölder exponent {@code
   * beta}, and the standard deviation of the noise on training labels.
   */
  public record Target(double beta, int bumps, double radius, double labelNoise) {}

  private static final Check<Long> POSITIVE = Check.atLeast(1);
  private static final Check<Double> POSITIVE_REAL =
      Check.interval(0, false, Double.MAX_VALUE, true);
  private static final Check<Double> NON_NEGATIVE = Check.interval(0, true, Double.MAX_VALUE, true);

  public TestbedSettings {
    dims = List.copyOf(dims);
    samples = List.copyOf(samples);
  }

  /** The {@code testbed} section of {@code config}, layered on reference.conf. */
  public static TestbedSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code testbed} section, read through {@code settings}. */
  public static TestbedSettings from(Settings s) {
    TestbedSettings t =
        new TestbedSettings(
            s.bool("testbed.enabled"),
            s.string(
                "testbed.manifold",
                Check.matching(
                    Pattern.compile("sphere|torus|fourier-cube"), "sphere, torus or fourier-cube")),
            ints(s.integerList("testbed.dims", Check.between(1, Integer.MAX_VALUE))),
            s.intValue("testbed.ambient", POSITIVE),
            s.intValue("testbed.token-width", POSITIVE),
            s.number("testbed.frequency", POSITIVE_REAL),
            s.number("testbed.ambient-noise", NON_NEGATIVE),
            s.integer("testbed.data-seed", Check.any()),
            new Target(
                s.number("testbed.target.beta", Check.interval(0, false, 1, true)),
                s.intValue("testbed.target.bumps", POSITIVE),
                s.number("testbed.target.radius", POSITIVE_REAL),
                s.number("testbed.target.label-noise", NON_NEGATIVE)),
            ints(s.integerList("testbed.samples", Check.between(2, Integer.MAX_VALUE))),
            s.intValue("testbed.val-samples", Check.atLeast(2)),
            s.string(
                "testbed.design", Check.matching(Pattern.compile("axes|grid"), "axes or grid")),
            s.intValue("testbed.data-model", Check.atLeast(-1)),
            s.intValue("testbed.model-samples", Check.atLeast(0)),
            s.string(
                "testbed.pooling", Check.matching(Pattern.compile("mean|first"), "mean or first")));
    if (t.ambient() % t.tokenWidth() != 0) {
      throw s.invalid(
          "testbed.token-width",
          "must divide testbed.ambient (" + t.ambient() + ") so the point splits into tokens");
    }
    if (t.dims().isEmpty()) {
      throw s.invalid("testbed.dims", "must name at least one intrinsic dimension");
    }
    if (t.samples().isEmpty()) {
      throw s.invalid("testbed.samples", "must name at least one training set size");
    }
    int minAmbient = t.manifold().equals("sphere") ? 1 : 2;
    for (int d : t.dims()) {
      int needed = minAmbient * d + (t.manifold().equals("torus") ? 0 : 1);
      if (t.ambient() < needed) {
        throw s.invalid(
            "testbed.ambient",
            "is too small for a "
                + t.manifold()
                + " of dimension "
                + d
                + " (testbed.dims): it needs at least "
                + needed);
      }
    }
    return t;
  }

  /** The training set size of the model axis: {@link #modelSamples}, or the largest of samples. */
  public int modelAxisSamples() {
    return modelSamples > 0
        ? modelSamples
        : samples.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** The name of the dataset of dimension {@code d}: {@code sphere-d4}. */
  public String datasetName(int d) {
    return manifold + "-d" + d;
  }

  /** Tokens per point: {@code ambient / tokenWidth}. */
  public int tokens() {
    return ambient / tokenWidth;
  }

  private static List<Integer> ints(List<Long> values) {
    return values.stream().map(Long::intValue).toList();
  }
}
