package io.scalinglab.trainer.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DocumentKeysTest {
  /**
   * Reference values from Python's hashlib ({@code src/test/resources/reference/document_keys.py},
   * output in its header): {@code d = sha256(struct.pack('>q', seed) + text.encode()).digest()},
   * split key {@code struct.unpack('>q', d[0:8])}, order key {@code d[8:16]}, unit value {@code
   * (split & (2**64 - 1) >> 11) / 2**53}.
   */
  @Test
  void matchesPythonHashlib() {
    DocumentKeys.Keys k = new DocumentKeys(2357).of("Once upon a time");
    assertEquals(-1730022852020074646L, k.splitKey());
    assertEquals(-8088896804324426611L, k.orderKey());
    assertEquals(0.9062152732695132, DocumentKeys.unitInterval(k.splitKey()), 0.0);
    assertEquals(16, k.utf8Bytes());

    DocumentKeys.Keys empty = new DocumentKeys(0).of("");
    assertEquals(-5812615543772869766L, empty.splitKey());
    assertEquals(-608919109605104113L, empty.orderKey());
  }

  @Test
  void splitFollowsTheFraction() {
    DocumentKeys.Keys k = new DocumentKeys(2357).of("Once upon a time"); // unit value 0.906
    assertTrue(k.isValidation(0.95));
    assertFalse(k.isValidation(0.9));
  }

  @Test
  void validationShareIsCloseToTheFraction() {
    DocumentKeys keys = new DocumentKeys(1);
    int n = 100_000;
    int val = 0;
    for (int i = 0; i < n; i++) {
      if (keys.of("document " + i).isValidation(0.1)) {
        val++;
      }
    }
    // Binomial(n, 0.1): standard deviation sqrt(n * 0.1 * 0.9) ≈ 95; 5 sigma ≈ 475.
    assertEquals(10_000, val, 475);
  }

  @Test
  void sameTextSameKeysAcrossInstancesAndSeedsDiffer() {
    assertEquals(new DocumentKeys(5).of("abc"), new DocumentKeys(5).of("abc"));
    assertFalse(new DocumentKeys(5).of("abc").equals(new DocumentKeys(6).of("abc")));
  }
}
