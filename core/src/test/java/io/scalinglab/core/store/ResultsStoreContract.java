package io.scalinglab.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.ShardWriter;
import io.scalinglab.core.format.TokenShards;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * What the store promises on every file system, run by a subclass per file system: whole files or
 * none, nothing temporary left behind, and first committer wins.
 */
abstract class ResultsStoreContract {
  /** A fresh, empty store for one test. */
  abstract ResultsStore store();

  record Sample(String name, int count, Map<String, Long> seeds) {}

  @Test
  void writesAndOverwritesAtomically() {
    ResultsStore s = store();
    Path target = new Path(s.runDir("sw", "r1"), "result.json");
    s.writeString(target, "first");
    assertEquals("first", s.readString(target));
    s.writeString(target, "second, longer than the first");
    assertEquals("second, longer than the first", s.readString(target));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void failingWriterLeavesNeitherTemporaryNorTarget() {
    ResultsStore s = store();
    Path target = new Path(s.sweepDir("sw"), "never.json");
    StoreException e =
        assertThrows(
            StoreException.class,
            () ->
                s.writeAtomically(
                    target,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("disk on fire");
                    }));
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
    assertFalse(s.exists(target));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));

    IllegalStateException bug = new IllegalStateException("a bug in the writer");
    assertSame(
        bug,
        assertThrows(
            IllegalStateException.class,
            () ->
                s.writeAtomically(
                    target,
                    out -> {
                      out.write(1);
                      throw bug;
                    })));
    assertFalse(s.exists(target));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void failedOverwriteKeepsTheOldFile() {
    ResultsStore s = store();
    Path target = new Path(s.sweepDir("sw"), "keep.txt");
    s.writeString(target, "old");
    assertThrows(
        StoreException.class,
        () ->
            s.writeAtomically(
                target,
                out -> {
                  out.write("new".getBytes(UTF_8));
                  throw new IOException("interrupted");
                }));
    assertEquals("old", s.readString(target));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void writerMayCloseTheStream() {
    ResultsStore s = store();
    Path target = new Path(s.root(), "closed.txt");
    s.writeAtomically(
        target,
        out -> {
          out.write("abc".getBytes(UTF_8));
          out.close();
        });
    assertEquals("abc", s.readString(target));
  }

  @Test
  void jsonRoundTrip() {
    ResultsStore s = store();
    Path target = new Path(s.runDir("sw", "r1"), "manifest.json");
    Sample sample = new Sample("gpt-tiny", 3, Map.of("seed", 42L));
    s.writeJson(target, sample);
    assertEquals(sample, s.readJson(target, Sample.class));
    JsonNode tree = s.readJson(target);
    assertEquals(42, tree.path("seeds").path("seed").asLong());
    assertTrue(s.readString(target).contains("\n  \"count\" : 3"), "pretty printed");

    s.writeString(target, "{\"name\": ");
    InputException e = assertThrows(InputException.class, () -> s.readJson(target));
    assertTrue(e.getMessage().startsWith(target.toString()), e.getMessage());
  }

  @Test
  void readingAMissingFileNamesIt() {
    ResultsStore s = store();
    Path missing = new Path(s.root(), "nope.json");
    StoreException e = assertThrows(StoreException.class, () -> s.readString(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void firstDirectoryCommitWinsAndTheLoserIsCleanedUp() {
    ResultsStore s = store();
    Path finalDir = new Path(s.dataDir("tiny", "char"), "train");
    Path a = s.newTempDir(finalDir);
    Path b = s.newTempDir(finalDir);
    s.writeString(new Path(a, "part-00000.bin"), "from a");
    s.writeString(new Path(b, "part-00000.bin"), "from b");
    assertEquals(2, s.temporaryLeftovers(s.root()).size());

    assertTrue(s.commitDirectory(a, finalDir));
    assertFalse(s.commitDirectory(b, finalDir));
    assertFalse(s.exists(b));
    assertEquals("from a", s.readString(new Path(finalDir, "part-00000.bin")));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void concurrentCommitsHaveExactlyOneWinner() throws Exception {
    ResultsStore s = store();
    Path finalDir = new Path(s.sweepDir("race"), "out");
    int writers = 6;
    List<Path> temps = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      Path t = s.newTempDir(finalDir);
      s.writeString(new Path(t, "who"), "writer " + i);
      temps.add(t);
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (Path t : temps) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return s.commitDirectory(t, finalDir);
                }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> r : results) {
        winners += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, winners);
    } finally {
      pool.shutdownNow();
    }
    assertTrue(s.readString(new Path(finalDir, "who")).startsWith("writer "));
    assertEquals(1, s.fs().listStatus(finalDir).length, "no loser nested inside the winner");
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void readersNeverSeeHalfAFile() throws Exception {
    ResultsStore s = store();
    Path target = new Path(s.root(), "hot.txt");
    String a = "a".repeat(200_000);
    String b = "b".repeat(300_000);
    s.writeString(target, a);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> reads =
          pool.submit(
              () -> {
                int n = 0;
                while (!done.get()) {
                  String seen = s.readString(target);
                  assertTrue(seen.equals(a) || seen.equals(b), "a torn read");
                  n++;
                }
                return n;
              });
      for (int i = 0; i < 20; i++) {
        s.writeString(target, i % 2 == 0 ? b : a);
      }
      done.set(true);
      assertTrue(reads.get(60, TimeUnit.SECONDS) > 0);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void tokenShardsGoThroughTheStore() throws IOException {
    ResultsStore s = store();
    Path shard = new Path(new Path(s.dataDir("tiny", "char"), "train"), "part-00000.bin");
    int[] tokens = {0, 5, 64, 65, 1, 2, 3};
    TokenShards.ShardInfo[] info = new TokenShards.ShardInfo[1];
    s.writeAtomically(
        shard,
        out -> {
          ShardWriter w = TokenShards.writer(out, 66);
          w.write(tokens, 0, tokens.length);
          info[0] = w.close();
        });
    assertEquals(tokens.length * 2L, s.fs().getFileStatus(shard).getLen());
    try (var in = s.fs().open(shard)) {
      assertArrayEquals(tokens, TokenShards.readAll(in, shard.toString(), 66));
    }
    try (var in = s.fs().open(shard)) {
      assertEquals(info[0].sha256(), TokenShards.sha256(in));
    }

    // A token outside the vocabulary halfway through: the writer's error, and no shard at all.
    Path bad = new Path(shard.getParent(), "part-00001.bin");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            s.writeAtomically(
                bad,
                out -> {
                  ShardWriter w = TokenShards.writer(out, 66);
                  w.write(tokens, 0, tokens.length);
                  w.write(66);
                }));
    assertFalse(s.exists(bad));
    assertEquals(List.of(), s.temporaryLeftovers(s.root()));
  }

  @Test
  void temporaryLeftoversFindsWhatCrashedWritersLeft() throws IOException {
    ResultsStore s = store();
    Path run = s.runDir("sw", "r9");
    Path crashedFile = new Path(run, ".metrics.csv.tmp-0b1f");
    Path crashedDir = new Path(run, ".checkpoints.tmp-77aa");
    s.fs().create(crashedFile).close();
    s.fs().mkdirs(new Path(crashedDir, "inner"));
    s.writeString(new Path(run, "metrics.csv"), "step,loss\n");
    List<Path> found = s.temporaryLeftovers(s.root());
    assertEquals(2, found.size(), found::toString);
    assertTrue(found.stream().anyMatch(p -> p.getName().equals(crashedFile.getName())));
    assertTrue(found.stream().anyMatch(p -> p.getName().equals(crashedDir.getName())));
    assertEquals(List.of(), s.temporaryLeftovers(new Path(s.root(), "absent")));
  }
}
