package io.scalinglab.analysis.fit;

import java.util.List;
import java.util.Objects;

/**
 * The out-of-sample check reviewers of scaling-law papers ask for: the law refitted on all but the
 * largest {@code k} points, then asked to predict those.
 *
 * <p>"Largest" is the largest x for one input and the largest product N·D (compute, up to the
 * factor 6) for Chinchilla. Errors are mean absolute relative errors |L̂ − L| / L.
 *
 * @param k points held out
 * @param fit the fit on the other points (it may have failed)
 * @param points the held-out points with their predictions (empty when the fit failed)
 * @param inSampleError mean relative error of that fit on the points it saw
 * @param heldOutError mean relative error on the held-out points
 */
public record HoldoutCheck(
    int k, Fit fit, List<Point> points, double inSampleError, double heldOutError) {
  public HoldoutCheck {
    Objects.requireNonNull(fit, "fit");
    points = List.copyOf(points);
  }

  /** One held-out point: its inputs, the observed and the predicted loss. */
  public record Point(double[] x, double observed, double predicted) {
    public Point {
      x = x.clone();
    }

    /** |predicted − observed| / observed. */
    public double relativeError() {
      return Math.abs(predicted - observed) / observed;
    }
  }
}
