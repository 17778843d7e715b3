package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.cli.Args;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code bench id}: its flags and the FLOP count of its floor (no timings are asserted). */
class IdBenchTest {

  @Test
  void addsItsFlagsToThoseOfBench() {
    Set<String> all = IdBench.extend(Set.of("--repeats", "--dir"));
    assertTrue(
        all.containsAll(
            Set.of(
                "--repeats",
                "--dir",
                "--n",
                "--dim",
                "--threads",
                "--points",
                "--master",
                "--jar")),
        all.toString());
  }

  @Test
  void distanceFlopsCountEachPairOfBlocksOnce() {
    // One block: 2·n·n·d. Two equal blocks: three pairs (0,0), (0,1), (1,1).
    assertEquals(2.0 * 100 * 100 * 8, IdBench.distanceFlops(100, 8, 1024));
    assertEquals(3 * 2.0 * 1024 * 1024 * 768, IdBench.distanceFlops(2048, 768, 1024));
    // 50,000 points: about N²·d, half of the 2·N²·d a full distance matrix costs.
    double flops = IdBench.distanceFlops(50_000, 768, 1024);
    assertTrue(
        flops > 50_000.0 * 50_000 * 768 && flops < 1.03 * 50_000.0 * 50_000 * 768, "" + flops);
  }

  @Test
  void benchRunsEndToEndOnASmallInput() {
    Args args =
        Args.parse(
            "bench",
            new String[] {"id", "--n", "600", "--dim", "32", "--threads", "1"},
            IdBench.extend(Set.of("--repeats")),
            Set.of("--help"));
    IdBench.run(args);
  }
}
