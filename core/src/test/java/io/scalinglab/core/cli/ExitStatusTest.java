package io.scalinglab.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every entry point's exit status: 0 done, 1 failed, 2 bad command line; bugs propagate. */
class ExitStatusTest {
  /** The status of {@code command} and what it printed on standard error. */
  static String[] run(Runnable command) {
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int status = ExitStatus.of("prog", command);
      return new String[] {Integer.toString(status), buf.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void documentedFailuresMapToOneOrTwoWithTheMessage() {
    assertEquals("0", run(() -> {})[0]);
    String[] usage =
        run(
            () -> {
              throw new UsageException("unknown flag --x");
            });
    assertEquals("2", usage[0]);
    assertEquals("prog: unknown flag --x", usage[1].strip());
    for (ScalinglabException e :
        new ScalinglabException[] {
          new ConfigException("'7' in a.b is invalid"),
          InputException.of("f.txt", "file not found", "Give a path"),
          new ScalinglabException("2 of 4 runs failed")
        }) {
      String[] failed =
          run(
              () -> {
                throw e;
              });
      assertEquals("1", failed[0]);
      assertTrue(failed[1].startsWith("prog: " + e.getMessage()), failed[1]);
    }
  }

  @Test
  void bugsAreNotTurnedIntoAnExitStatus() {
    assertThrows(
        IllegalStateException.class,
        () ->
            ExitStatus.of(
                "prog",
                () -> {
                  throw new IllegalStateException("bug");
                }));
  }
}
