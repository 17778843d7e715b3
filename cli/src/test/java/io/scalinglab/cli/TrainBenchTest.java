package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench train} at its smallest: the line scripts read (starting with the config's label and
 * holding {@code <number> tokens/s}) is printed, with a figure for each thread count. No timing is
 * asserted.
 */
class TrainBenchTest {
  @Test
  void printsTheLineScriptsRead() {
    String printed =
        bench(
            "train",
            "--cases",
            "a",
            "--engines",
            "kernel",
            "--steps",
            "1",
            "--repeats",
            "1",
            "--warmup-seconds",
            "0");
    String line =
        printed
            .lines()
            .filter(l -> l.startsWith("(a)"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no (a) line in:\n" + printed));
    Matcher m =
        Pattern.compile(
                ": ([0-9]+) tokens/s \\(1 thread ([0-9]+), 2 threads ([0-9]+)\\); MFU [0-9.]+% of [12] x"
                    + " [0-9]+ GFLOP/s")
            .matcher(line);
    assertTrue(m.find(), line);
    for (int g = 1; g <= 3; g++) {
      assertTrue(Long.parseLong(m.group(g)) > 0, line);
    }
    assertTrue(
        Long.parseLong(m.group(1))
            == Math.max(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))),
        "the figure is the better thread count's: " + line);
  }

  @Test
  void aNegativeWarmUpIsRefusedNamingTheFlag() {
    UsageException e =
        assertThrows(UsageException.class, () -> bench("train", "--warmup-seconds", "-1"));
    assertTrue(e.getMessage().contains("'-1' in --warmup-seconds"), e.getMessage());
  }

  private static String bench(String... argv) {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      BenchCommand.run(argv);
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    out.print(printed);
    return printed;
  }
}
