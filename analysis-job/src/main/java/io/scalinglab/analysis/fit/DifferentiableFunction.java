package io.scalinglab.analysis.fit;

/** A function of a real vector whose gradient is computed with its value. */
@FunctionalInterface
public interface DifferentiableFunction {

  /**
   * The value at {@code x}; writes the gradient into {@code gradient} (same length as {@code x},
   * overwritten). Neither array may be kept.
   */
  double valueAndGradient(double[] x, double[] gradient);
}
