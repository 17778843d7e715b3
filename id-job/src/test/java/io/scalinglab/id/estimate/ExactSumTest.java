package io.scalinglab.id.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactSum} returns the correctly rounded sum whatever the order and the split into merged
 * parts: checked against BigDecimal's exact sum rounded once to a double.
 */
class ExactSumTest {
  @Test
  void correctlyRoundedWhateverTheOrderAndTheSplit() {
    SplittableRandom rnd = new SplittableRandom(3);
    double[] v = new double[20_000];
    for (int i = 0; i < v.length; i++) {
      // magnitudes over 30 decades and both signs: where a naive sum loses every digit
      v[i] = (rnd.nextBoolean() ? 1 : -1) * Math.pow(10, rnd.nextInt(-15, 15)) * rnd.nextDouble();
    }
    BigDecimal exact = BigDecimal.ZERO;
    for (double x : v) {
      exact = exact.add(new BigDecimal(x));
    }
    double expected = exact.doubleValue(); // correctly rounded (via its decimal string)
    ExactSum forward = new ExactSum();
    ExactSum backward = new ExactSum();
    ExactSum[] parts = {new ExactSum(), new ExactSum(), new ExactSum()};
    for (int i = 0; i < v.length; i++) {
      forward.add(v[i]);
      backward.add(v[v.length - 1 - i]);
      parts[rnd.nextInt(3)].add(v[i]);
    }
    ExactSum merged = new ExactSum().add(parts[2]).add(parts[0]).add(parts[1]);
    assertEquals(expected, forward.value(), 0.0);
    assertEquals(expected, backward.value(), 0.0);
    assertEquals(expected, merged.value(), 0.0);
  }

  @Test
  void halfwayCasesRoundToEven() {
    // 1 + 2^-53 is exactly halfway between 1 and its successor: to even, 1; plus a tiny bit, up
    assertEquals(1.0, new ExactSum().add(1).add(0x1p-53).value(), 0.0);
    assertEquals(Math.nextUp(1.0), new ExactSum().add(1).add(0x1p-53).add(0x1p-80).value(), 0.0);
  }
}
