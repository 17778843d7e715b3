package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.config.Gelu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float64 GELUs of {@link Nd4jKernelOps} against mpmath's, and their derivatives against
 * central differences. {@code GptKernelTest} checks that the graph computes the same, and {@code
 * KernelOpsTest} that the float32 vector ops do.
 */
class GeluTest {
  private static final double[] X = {-6, -3, -1, -0.3, 0, 0.5, 1, 2.5, 5};

  /** erf, erf GELU and tanh GELU at {@link #X}: erf_rational.py's output (mpmath, 40 digits). */
  private static final double[] ERF = {
    -1.0,
    -0.9999779095030014,
    -0.8427007929497149,
    -0.32862675945912745,
    0.0,
    0.5204998778130465,
    0.8427007929497149,
    0.999593047982555,
    0.9999999999984626
  };

  private static final double[] GELU_ERF = {
    -5.9195258702261885e-09,
    -0.0040496940948902835,
    -0.15865525393145705,
    -0.1146265733433142,
    0.0,
    0.34573123063700656,
    0.8413447460685429,
    2.4844758366855597,
    4.999998566742141
  };

  private static final double[] GELU_TANH = {
    -8.439646700762297e-11,
    -0.003637392081773019,
    -0.1588080093917233,
    -0.11462907645724076,
    0.0,
    0.34571400982514394,
    0.8411919906082767,
    2.484915733910001,
    4.999999770820381
  };

  /**
   * libnd4j's float64 erf to 2 ulps (4.4e-16 relative); the GELUs to 2e-15 absolute: {@code 1 +
   * erf(x/√2)} (and {@code x·σ(2u)}) round to 1.1e-16 absolute, which {@code x/2} scales by at most
   * 3 at |x| ≤ 6, plus a few ulps of the products.
   */
  @Test
  void matchesMpmath() {
    INDArray x = Nd4j.createFromArray(X);
    INDArray erf = Nd4j.exec(new Erf(x.dup(), x.ulike()));
    KernelOps ops = new Nd4jKernelOps(DataType.DOUBLE);
    INDArray erfGelu = x.ulike();
    INDArray tanhGelu = x.ulike();
    ops.gelu(Gelu.ERF, x, erfGelu);
    ops.gelu(Gelu.TANH, x, tanhGelu);
    for (int i = 0; i < X.length; i++) {
      assertEquals(ERF[i], erf.getDouble(i), 4.4e-16 * Math.abs(ERF[i]), "erf(" + X[i] + ")");
      assertEquals(GELU_ERF[i], erfGelu.getDouble(i), 2e-15, "erf gelu(" + X[i] + ")");
      assertEquals(GELU_TANH[i], tanhGelu.getDouble(i), 2e-15, "tanh gelu(" + X[i] + ")");
    }
  }

  /**
   * The derivative is that of the function computed: central differences with h = 1e-5 err by O(h²)
   * times the third derivative, about 1e-10, plus round-off 1e-16/h ≈ 1e-11: 1e-9 absolute.
   */
  @Test
  void derivativeMatchesCentralDifferences() {
    KernelOps ops = new Nd4jKernelOps(DataType.DOUBLE);
    double h = 1e-5;
    for (Gelu kind : Gelu.values()) {
      INDArray x = Nd4j.createFromArray(X);
      INDArray d = Nd4j.ones(DataType.DOUBLE, X.length);
      INDArray y = x.ulike();
      ops.gelu(kind, x, y);
      ops.geluBackward(kind, x, y, d);
      INDArray up = x.add(h);
      INDArray down = x.sub(h);
      INDArray fUp = x.ulike();
      INDArray fDown = x.ulike();
      ops.gelu(kind, up, fUp);
      ops.gelu(kind, down, fDown);
      for (int i = 0; i < X.length; i++) {
        double numeric = (fUp.getDouble(i) - fDown.getDouble(i)) / (2 * h);
        assertEquals(numeric, d.getDouble(i), 1e-9, kind + " gelu'(" + X[i] + ")");
      }
    }
  }
}
