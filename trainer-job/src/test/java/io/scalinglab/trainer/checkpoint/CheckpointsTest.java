package io.scalinglab.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.LrSchedule;
import io.scalinglab.trainer.optim.OptimConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checkpoints on a local {@code file://} store: round trip, pruning, crash leftovers, resume. */
class CheckpointsTest {
  private static final OptimConfig C =
      new OptimConfig(0.01, 0.001, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1.0);

  @TempDir java.nio.file.Path temp;
  private ResultsStore store;
  private Path run;

  @BeforeEach
  void open() {
    store = ResultsStore.open(temp.resolve("store").toUri().toString(), new Configuration());
    run = store.runDir("sweep", "run-1");
  }

  /** Names with '.', '/' and '_' as a GPT's have, ranks 1 to 3. */
  private static Map<String, INDArray> params(long seed) {
    Nd4j.getRandom().setSeed(seed);
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put("h.0.attn.c_attn.weight", Nd4j.randn(DataType.FLOAT, 3, 4));
    p.put("ln_f/bias", Nd4j.randn(DataType.FLOAT, 5));
    p.put("wte.weight", Nd4j.randn(DataType.FLOAT, 2, 3, 2));
    return p;
  }

  private static Map<String, INDArray> grads(int k) {
    Map<String, INDArray> g = new LinkedHashMap<>();
    params(100 + k).forEach((name, a) -> g.put(name, a.muli(0.1)));
    return g;
  }

  private static Map<String, INDArray> copy(Map<String, INDArray> m) {
    Map<String, INDArray> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, v.dup()));
    return c;
  }

  private List<String> checkpointNames() throws IOException {
    java.nio.file.Path dir = java.nio.file.Path.of(Checkpoints.dir(run).toUri());
    try (Stream<java.nio.file.Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void roundTripKeepsParametersMomentsAndState() throws IOException {
    Map<String, INDArray> p = params(1);
    AdamW opt = new AdamW(C, p);
    opt.step(grads(1), 0.01);
    opt.step(grads(2), 0.01);
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("seed", 42L);
    state.put("tokens_seen", 123_456_789_012L);
    state.put("best_val_loss", Double.POSITIVE_INFINITY);
    state.put("val_loss", 3.25);
    state.put("extra", Map.of("curve", List.of(4.5, 3.25)));
    Checkpoints.save(store, run, 7, p, opt, state, 3);

    Checkpoints.Loaded got = Checkpoints.latest(store, run).orElseThrow();
    assertEquals(7, got.step());
    assertEquals(2, got.adamStep());
    assertEquals(p, got.params()); // bit-identical values and shapes
    assertEquals(opt.firstMoments(), got.m());
    assertEquals(opt.secondMoments(), got.v());
    assertArrayEquals(new long[] {2, 3, 2}, got.params().get("wte.weight").shape());
    assertArrayEquals(new long[] {5}, got.m().get("ln_f/bias").shape());
    assertEquals(42L, got.stateLong("seed"));
    assertEquals(123_456_789_012L, got.stateLong("tokens_seen"));
    assertEquals(Double.POSITIVE_INFINITY, got.stateDouble("best_val_loss"));
    assertEquals(3.25, got.stateDouble("val_loss"));
    assertEquals(Map.of("curve", List.of(4.5, 3.25)), got.state().get("extra"));
    assertEquals(
        List.of("best_val_loss", "extra", "seed", "tokens_seen", "val_loss"),
        got.state().keySet().stream().sorted().toList());

    // The files numpy reads: 2-D float32, rank-3 folded to (d0, d1 * d2), a vector as (1, n).
    Path folder = Checkpoints.stepDir(run, 7);
    assertEquals("step-0000007", folder.getName());
    try (InputStream in = store.fs().open(new Path(folder, "adam_v/wte.weight.npy"))) {
      Npy.NpyArray a = Npy.read(in, "wte");
      assertEquals(2, a.rows());
      assertEquals(6, a.cols());
      assertEquals(Npy.Dtype.FLOAT32, a.dtype());
    }
    try (InputStream in = store.fs().open(new Path(folder, "params/ln_f%2Fbias.npy"))) {
      Npy.NpyArray a = Npy.read(in, "bias");
      assertEquals(1, a.rows());
      assertEquals(5, a.cols());
    }
    assertTrue(store.readString(new Path(folder, "state.json")).contains("\"adam_step\" : 2"));
  }

  @Test
  void keepsOnlyTheNewestCheckpoints() throws IOException {
    Map<String, INDArray> p = params(1);
    AdamW opt = new AdamW(C, p);
    for (int step = 1; step <= 5; step++) {
      opt.step(grads(step), 0.01);
      Checkpoints.save(store, run, step * 100, p, opt, Map.of(), 2);
    }
    assertEquals(List.of("step-0000400", "step-0000500"), checkpointNames());
    assertEquals(500, Checkpoints.latest(store, run).orElseThrow().step());
  }

  @Test
  void aHalfWrittenCheckpointIsIgnored() throws IOException {
    Map<String, INDArray> p = params(1);
    AdamW opt = new AdamW(C, p);
    opt.step(grads(1), 0.01);
    Checkpoints.save(store, run, 5, p, opt, Map.of("seed", 1), 3);

    // A writer of step 9 died after writing one array: its hidden temp folder stays behind.
    Path tmp = store.newTempDir(Checkpoints.stepDir(run, 9));
    store.writeString(new Path(tmp, "params/wte.weight.npy"), "partial");
    // And a folder with the right name but no state.json (copied by hand, say) is skipped too.
    store.writeString(new Path(Checkpoints.stepDir(run, 12), "params/wte.weight.npy"), "x");

    assertEquals(5, Checkpoints.latest(store, run).orElseThrow().step());

    // The next save at a later step clears the leftover of the older step.
    Checkpoints.save(store, run, 10, p, opt, Map.of("seed", 1), 3);
    assertTrue(store.temporaryLeftovers(Checkpoints.dir(run)).isEmpty());
  }

  @Test
  void noCheckpointMeansEmpty() {
    assertEquals(Optional.empty(), Checkpoints.latest(store, run));
  }

  @Test
  void savingAStepAgainKeepsTheFirst() {
    Map<String, INDArray> p = params(1);
    AdamW opt = new AdamW(C, p);
    Checkpoints.save(store, run, 3, p, opt, Map.of("attempt", 1), 3);
    Checkpoints.save(store, run, 3, params(2), new AdamW(C, params(2)), Map.of("attempt", 2), 3);
    Checkpoints.Loaded got = Checkpoints.latest(store, run).orElseThrow();
    assertEquals(1L, got.stateLong("attempt"));
    assertEquals(p, got.params());
  }

  /** Train 3 steps straight; or 1, checkpoint, load into fresh arrays, 2 more: same bits. */
  @Test
  void resumingFromACheckpointContinuesTheSameTrajectory() {
    Map<String, INDArray> straight = params(1);
    AdamW a = new AdamW(C, straight);
    for (int k = 1; k <= 3; k++) {
      a.step(grads(k), LrSchedule.at(k - 1, C));
    }

    Map<String, INDArray> first = params(1);
    AdamW b = new AdamW(C, first);
    b.step(grads(1), LrSchedule.at(0, C));
    Checkpoints.save(store, run, 1, first, b, Map.of(), 1);

    Checkpoints.Loaded got = Checkpoints.latest(store, run).orElseThrow();
    Map<String, INDArray> resumed = copy(got.params());
    AdamW c = new AdamW(C, resumed);
    c.restore(got.adamStep(), got.m(), got.v());
    for (int k = got.step() + 1; k <= 3; k++) {
      c.step(grads(k), LrSchedule.at(k - 1, C));
    }
    assertEquals(straight, resumed);
    assertEquals(a.firstMoments(), c.firstMoments());
  }

  @Test
  void badArgumentsAreRefusedBeforeWriting() {
    Map<String, INDArray> p = params(1);
    AdamW opt = new AdamW(C, p);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checkpoints.save(store, run, 1, p, opt, Map.of("step", 3), 1));
    assertTrue(e.getMessage().contains("'step' is reserved"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Checkpoints.save(store, run, 1, p, opt, Map.of(), 0));
    Map<String, INDArray> d = Map.of("w", Nd4j.create(DataType.DOUBLE, 2, 2));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checkpoints.save(store, run, 1, d, new AdamW(C, d), Map.of(), 1));
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    assertFalse(store.exists(Checkpoints.dir(run)));
  }

  @Test
  void fileNamesAreSafeAndReversible() {
    assertEquals("h.0.attn.c_attn.weight.npy", Checkpoints.fileName("h.0.attn.c_attn.weight"));
    assertEquals("a%2Fb.npy", Checkpoints.fileName("a/b"));
    for (String name :
        List.of("h.0.attn.c_attn.weight", "a/b", ".hidden", "_x", "100%", "ü ä", "..")) {
      String file = Checkpoints.fileName(name);
      assertFalse(file.startsWith(".") || file.startsWith("_"), file);
      assertTrue(file.chars().allMatch(ch -> ch > ' ' && ch < 0x7F && ch != '/'), file);
      assertEquals(name, Checkpoints.paramName(file));
    }
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.paramName("a%2.npy"));
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.paramName("x.bin"));
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.fileName(""));
  }
}
