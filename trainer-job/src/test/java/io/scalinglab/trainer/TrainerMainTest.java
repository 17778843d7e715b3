package io.scalinglab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The trainer job's spark-submit entry point: commands, help and exit statuses. */
class TrainerMainTest {
  /** Runs {@link TrainerMain#run} and returns its exit status and what it printed. */
  static String[] run(String... argv) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    int status;
    try {
      status = TrainerMain.run(argv);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {Integer.toString(status), buf.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void helpForTheJobAndEachCommand() {
    String[] usage = run("--help");
    assertEquals("0", usage[0]);
    assertTrue(usage[1].contains("prepare") && usage[1].contains("sweep"), usage[1]);
    for (String command : new String[] {"prepare", "sweep"}) {
      String[] help = run(command, "--help");
      assertEquals("0", help[0], help[1]);
      assertTrue(
          help[1].contains("usage: " + TrainerMain.INVOCATION + " " + command + " --config"),
          help[1]);
      assertTrue(help[1].contains("--store URI"), help[1]);
    }
  }

  @Test
  void badCommandLinesExitWithTwoAndBadInputWithOne() {
    String[] none = run();
    assertEquals("2", none[0]);
    String[] typo = run("prepair");
    assertEquals("2", typo[0]);
    assertTrue(typo[1].contains("did you mean prepare?"), typo[1]);
    String[] flag = run("sweep", "--configs", "s.conf");
    assertEquals("2", flag[0]);
    assertTrue(flag[1].contains("did you mean --config?"), flag[1]);
    String[] missing = run("prepare", "--config", "no-such-file.conf");
    assertEquals("1", missing[0]);
    assertTrue(
        missing[1].startsWith(TrainerMain.PROGRAM + ": no-such-file.conf: config file not found"),
        missing[1]);
  }
}
