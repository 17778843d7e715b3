package io.scalinglab.manifold;

import static java.util.Objects.requireNonNull;

/**
 * Points sampled from a manifold of known dimension.
 *
 * @param name what the manifold is, for tables
 * @param values the points, row-major {@code n × ambient}
 * @param n how many points
 * @param ambient the dimension of the space they lie in
 * @param d the manifold's intrinsic dimension
 */
public record Sample(String name, double[] values, int n, int ambient, int d) {
  /** Checks the shape. */
  public Sample {
    requireNonNull(name, "name");
    requireNonNull(values, "values");
    if ((long) n * ambient != values.length) {
      throw new IllegalArgumentException(
          "shape (" + n + ", " + ambient + ") does not match " + values.length + " values");
    }
  }

  /** The values rounded to float32, as activations are stored. */
  public double[] asFloat32() {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
