package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void unknownCommandExitsWithTwo() {
    assertEquals(2, Main.run(new String[] {"prepair"}));
    assertEquals(2, Main.run(new String[] {}));
    assertEquals(0, Main.run(new String[] {"help"}));
  }
}
