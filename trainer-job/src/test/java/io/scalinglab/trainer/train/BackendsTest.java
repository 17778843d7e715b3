package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackendsTest {
  @Test
  void threadCountTakesEffect() {
    int before = Backends.threads();
    try {
      Backends.setThreads(2);
      assertEquals(2, Backends.threads());
      Backends.setThreads(1);
      assertEquals(1, Backends.threads());
    } finally {
      Backends.setThreads(before);
    }
    assertThrows(IllegalArgumentException.class, () -> Backends.setThreads(0));
  }
}
