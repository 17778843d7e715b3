package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench sweep-load} and {@code bench prepare-load} at a tiny size, on the TinyStories sample
 * of the shared folder: each ends with one line of key=value figures that parses. No timing is
 * asserted.
 */
class LoadBenchTest {
  private static final Path TINYSTORIES = shared("corpora/tinystories/train-sample.txt");

  @TempDir Path dir;

  @Test
  void sweepLoadPrintsItsFigures() {
    Map<String, Double> f =
        figures(
            "sweep-load:",
            "sweep-load",
            "--runs",
            "3",
            "--steps",
            "2",
            "--set",
            "dataset.tokenizer=byte");
    assertEquals(3, f.get("runs"));
    assertEquals(2, f.get("cores"));
    assertTrue(f.get("runs_per_min") > 0, f.toString());
    assertTrue(f.get("run_s_mean") > 0, f.toString());
    // By its definition, wall x cores = runs x (run_s_mean + overhead_s_per_run).
    assertEquals(
        f.get("wall_s") * 2,
        3 * (f.get("run_s_mean") + f.get("overhead_s_per_run")),
        0.02,
        f.toString());
    assertTrue(f.containsKey("slot_gap_s_median") && f.containsKey("queue_wait_s_median"));
  }

  @Test
  void prepareLoadPrintsItsFiguresAndLeavesNothingBehind() throws Exception {
    Map<String, Double> f =
        figures(
            "prepare-load:",
            "prepare-load",
            "--tokens",
            "5000000",
            "--set",
            "dataset.tokenizer=byte");
    // The 2.1 MB sample gives about 2.1 million byte tokens: 3 copies reach 5 million, 2 do not.
    double copies = f.get("copies");
    double perCopy = f.get("tokens") / copies;
    assertEquals(Math.rint(perCopy), perCopy, "every copy gives the same tokens");
    assertTrue((copies - 1) * perCopy < 5e6 && copies * perCopy >= 5e6, f.toString());
    assertTrue(f.get("heap_peak_mb") > 0 && f.get("heap_peak_mb") <= f.get("heap_max_mb"));
    assertTrue(f.get("rss_peak_mb") != 0, f.toString());
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith("bench-store-")),
          "the bench store is deleted");
    }
  }

  @Test
  void prepareLoadTakesASizeInGigabytesOrTokens() {
    assertEquals(500_000_000L, PrepareLoadBench.targetTokens(args()));
    assertEquals(1_000_000L, PrepareLoadBench.targetTokens(args("--gigabytes", "0.002")));
    assertEquals(123L, PrepareLoadBench.targetTokens(args("--tokens", "123")));
    assertThrows(
        UsageException.class,
        () -> PrepareLoadBench.targetTokens(args("--tokens", "1", "--gigabytes", "1")));
    UsageException e =
        assertThrows(
            UsageException.class, () -> PrepareLoadBench.targetTokens(args("--gigabytes", "x")));
    assertTrue(e.getMessage().contains("'x' in --gigabytes is invalid"), e.getMessage());
  }

  /** A file of the team's shared/ folder beside the checkout or one of its parents. */
  private static Path shared(String relative) {
    for (Path p = Path.of("").toAbsolutePath(); p.getParent() != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/" + relative + " beside the checkout");
  }

  private static Args args(String... flags) {
    String[] argv =
        Stream.concat(Stream.of("prepare-load"), Stream.of(flags)).toArray(String[]::new);
    return Args.parse("bench", argv, Set.of("--tokens", "--gigabytes"), Set.of());
  }

  /** Runs {@code bench} with the flags and parses the key=value pairs of its line {@code tag}. */
  private Map<String, Double> figures(String tag, String... flags) {
    List<String> argv =
        Stream.concat(
                Stream.of(flags),
                Stream.of(
                    "--dir",
                    dir.toString(),
                    "--config",
                    Home.config("datasets/tinystories.conf").toString(),
                    "--set",
                    "dataset.source.paths=[\"" + TINYSTORIES.toUri() + "\"]"))
            .toList();
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      BenchCommand.run(argv.toArray(String[]::new));
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    out.print(printed);
    String line =
        printed
            .lines()
            .filter(l -> l.startsWith(tag))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no line " + tag + " in:\n" + printed));
    Map<String, Double> figures = new LinkedHashMap<>();
    for (String pair : line.substring(tag.length()).trim().split(" ")) {
      String[] kv = pair.split("=", 2);
      figures.put(kv[0], Double.parseDouble(kv[1]));
    }
    return figures;
  }
}
