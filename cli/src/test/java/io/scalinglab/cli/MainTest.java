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

  @Test
  void jobCommandsAreDispatchedToTheJobModules() {
    assertEquals(2, Main.run(new String[] {"id", "--estimator"}));
    assertEquals(2, Main.run(new String[] {"analyze"}));
    assertEquals(2, Main.run(new String[] {"prepare", "--confg", "x.conf"}));
    assertEquals(0, Main.run(new String[] {"prepare", "--help"}));
  }
}
