package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.SharedData;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose file system refuses writes part-way ({@link FaultyFileSystem}: the n-th create or
 * rename fails, or a file's writes fail after a few bytes): prepare and a sweep fail with an error
 * that names the path, the store holds only whole files (temporary files only under hidden names
 * that {@link ResultsStore#temporaryLeftovers} lists), and the same command run again finishes.
 */
class StoreFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path corpus;

  @BeforeAll
  static void start() throws IOException {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "store-faults-it", "127.0.0.1", Map.of()));
    FaultyFileSystem.register(spark.sparkContext().hadoopConfiguration());
    // 40 kB of TinyStories: a few shards per split, a prepare in about a second.
    String sample =
        Files.readString(SharedData.path("corpora/tinystories/train-sample.txt"))
            .substring(0, 40_000);
    corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, sample.substring(0, sample.lastIndexOf("<|endoftext|>")));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @AfterEach
  void noFaults() {
    FaultyFileSystem.failAt(0, 0, 0);
  }

  static String root(String name) {
    return FaultyFileSystem.SCHEME + ":" + tmp.resolve(name).toAbsolutePath();
  }

  static ScalinglabConfig config(String root, String... more) {
    List<String> all = new ArrayList<>();
    all.add("store.root=\"" + root + "\"");
    all.add("dataset.source.paths=[\"" + corpus.toUri() + "\"]");
    all.add("dataset.name=tiny");
    all.add("dataset.tokenizer=byte");
    all.add("dataset.val-fraction=0.1");
    all.add("dataset.shard-tokens=8192");
    all.add("model.n-layer=1");
    all.add("model.n-embd=16");
    all.addAll(TinyRuns.settings(8));
    all.addAll(List.of(more));
    return ScalinglabConfig.load(List.of(), all);
  }

  static ResultsStore open(String root) {
    return ResultsStore.open(root, spark.sparkContext().hadoopConfiguration());
  }

  static PrepareResult prepare(String root) {
    return PrepareJob.run(spark, config(root), open(root), line -> {});
  }

  /** A fault: the n-th create, rename or file whose writes break, among the paths holding only. */
  record Fault(String what, int n, String only) {
    Fault(String what, int n) {
      this(what, n, "");
    }

    void arm() {
      FaultyFileSystem.failAt(
          what.equals("create") ? n : 0,
          what.equals("rename") ? n : 0,
          what.equals("write") ? n : 0,
          only);
    }
  }

  static List<Fault> faults(int creates, int renames) {
    return List.of(
        new Fault("create", 1),
        new Fault("create", (creates + 1) / 2),
        new Fault("create", creates),
        new Fault("rename", (renames + 1) / 2),
        new Fault("rename", renames),
        new Fault("write", (creates + 1) / 2),
        new Fault("write", creates));
  }

  @Test
  void prepareFailsNamingThePathAndLeavesOnlyWholeFiles() throws IOException {
    FaultyFileSystem.failAt(0, 0, 0);
    PrepareResult clean = prepare(root("prepare-clean"));
    int creates = FaultyFileSystem.creates();
    int renames = FaultyFileSystem.renames();
    assertTrue(creates >= 4 && renames >= 2, creates + " creates, " + renames + " renames");
    for (Fault f : faults(creates, renames)) {
      String root = root("prepare-" + f.what() + "-" + f.n());
      f.arm();
      RuntimeException e = assertThrows(RuntimeException.class, () -> prepare(root), f.toString());
      assertNamesTheRefusedPath(f, e.getMessage());
      assertOnlyWholeFiles(root, tmp.resolve("prepare-clean"));
      FaultyFileSystem.failAt(0, 0, 0);
      PrepareResult again = prepare(root);
      assertFalse(again.reused(), f.toString());
      assertEquals(clean.manifest().path("train"), again.manifest().path("train"), f.toString());
      assertOnlyWholeFiles(root, tmp.resolve("prepare-clean"));
    }
  }

  @Test
  void aSweepFailsNamingThePathAndLeavesOnlyWholeFiles() throws IOException {
    String root = root("sweep");
    prepare(root);
    FaultyFileSystem.failAt(0, 0, 0);
    SweepResult clean = SweepJob.run(spark, config(root, "train.sweep=clean"), open(root), l -> {});
    assertFalse(clean.failed(), clean.failures().toString());
    List<String> cleanRow = SweepIT.cells(resultsRow(root, "clean"));
    // The sweep's writes by name, as the number of progress writes depends on timing: the run's
    // manifest, a checkpoint array cut off part-way, a checkpoint folder's commit, the run's
    // result, the driver's results table and its Parquet folder's commit.
    List<Fault> faults =
        List.of(
            new Fault("create", 1, "manifest.json"),
            new Fault("write", 2, ".npy"),
            new Fault("rename", 1, "checkpoints/step-"),
            new Fault("create", 1, "result.json"),
            new Fault("create", 1, "results.csv"),
            new Fault("rename", 1, "/results.parquet"));
    for (Fault f : faults) {
      String sweep = "faulty-" + faults.indexOf(f);
      f.arm();
      String message;
      try {
        SweepResult r =
            SweepJob.run(spark, config(root, "train.sweep=" + sweep), open(root), l -> {});
        assertTrue(r.failed(), f + ": the sweep reports the failed run");
        message = String.join("\n", r.failures());
      } catch (RuntimeException e) {
        message = e.getMessage();
      }
      assertNamesTheRefusedPath(f, message);
      assertOnlyWholeFiles(root, null);
      // Run again without the fault: the sweep finishes with the clean sweep's numbers.
      FaultyFileSystem.failAt(0, 0, 0);
      SweepResult again =
          SweepJob.run(spark, config(root, "train.sweep=" + sweep), open(root), l -> {});
      assertFalse(again.failed(), f + ": " + again.failures());
      List<String> row = SweepIT.cells(resultsRow(root, sweep));
      assertEquals(cleanRow.size(), row.size());
      assertTrue(row.contains("done"), row.toString());
      assertOnlyWholeFiles(root, null);
    }
  }

  static String resultsRow(String root, String sweep) {
    ResultsStore store = open(root);
    List<String> lines =
        store
            .readString(new org.apache.hadoop.fs.Path(store.sweepDir(sweep), "results.csv"))
            .lines()
            .toList();
    assertEquals(2, lines.size(), lines.toString());
    return lines.get(1);
  }

  static void assertNamesTheRefusedPath(Fault f, String message) {
    List<org.apache.hadoop.fs.Path> refused = FaultyFileSystem.refused();
    assertEquals(1, refused.size(), f + " fired once: " + refused);
    String path = refused.get(0).toUri().getPath();
    // The store names the file it was writing: the temporary file's target, or the temporary.
    String name = refused.get(0).getName().replaceFirst("^\\.(.*)\\.tmp-.*$", "$1");
    String folder = path.substring(0, path.lastIndexOf('/'));
    assertTrue(
        message != null && message.contains(folder) && message.contains(name),
        f + ": the message names " + path + ": " + message);
  }

  /**
   * Every file under {@code root} that is not hidden is whole (JSON parses, CSV rows are complete,
   * {@code .npy} reads, a shard equals the clean run's), and every hidden one is a temporary file
   * that {@link ResultsStore#temporaryLeftovers} lists.
   */
  static void assertOnlyWholeFiles(String root, Path cleanRoot) throws IOException {
    Path local = FaultyFileSystem.local(new org.apache.hadoop.fs.Path(root));
    ResultsStore store = open(root);
    Set<String> leftovers =
        store.temporaryLeftovers(store.root()).stream()
            .map(p -> p.toUri().getPath())
            .collect(Collectors.toSet());
    List<Path> files;
    try (Stream<Path> all = Files.walk(local)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path rel = local.relativize(file);
      Path hidden = hiddenAncestor(local, file);
      if (hidden != null) {
        assertTrue(
            leftovers.contains(hidden.toString())
                && hidden.getFileName().toString().contains(".tmp-"),
            rel + " is hidden but not a temporary file the store lists: " + leftovers);
        continue;
      }
      String name = file.getFileName().toString();
      byte[] bytes = Files.readAllBytes(file);
      if (name.endsWith(".json")) {
        JSON.readTree(bytes); // throws on a cut-off document
      } else if (name.endsWith(".csv")) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), rel + " ends mid-line");
        List<String> lines = text.lines().toList();
        int width = SweepIT.cells(lines.get(0)).size();
        for (String line : lines) {
          assertEquals(width, SweepIT.cells(line).size(), rel + ": " + line);
        }
      } else if (name.endsWith(".npy")) {
        try (InputStream in = Files.newInputStream(file)) {
          Npy.read(in, file.toString()); // throws on truncated data
        }
      } else if (name.endsWith(".bin")) {
        assertEquals(0, bytes.length % 2, rel + " has an odd length");
        if (cleanRoot != null) {
          assertArrayEquals(Files.readAllBytes(cleanRoot.resolve(rel)), bytes, rel.toString());
        }
      }
    }
  }

  /** The outermost component of {@code file} below {@code root} whose name starts with a dot. */
  static Path hiddenAncestor(Path root, Path file) {
    Path p = root;
    for (Path part : root.relativize(file)) {
      p = p.resolve(part);
      if (part.toString().startsWith(".")) {
        return p;
      }
    }
    return null;
  }
}
