package io.scalinglab.trainer.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.store.Ids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where a run keeps local copies of its token shards to memory-map them when the results store is
 * not the local disk (on a {@code file://} store the shards are mapped where they lie). Each split
 * gets a folder named by the hash of its manifest entry (shard names, sizes and SHA-256s), so a
 * dataset prepared again never meets copies of the old one.
 *
 * <p>A <em>shared</em> cache keeps its copies: the runs of a sweep that one Spark executor trains
 * reuse one copy of the dataset, and share its pages in the operating system's page cache; the
 * sweep's tasks root it in a folder Spark removes with the executor. A cache that is deleted after
 * the run gives each run its own folder under the root, so deleting it never pulls files from under
 * another run; a run killed before it could delete finds its copies again when it is retried.
 *
 * @param root the folder the copies go under, created when the first copy is made
 * @param deleteAfterRun whether the run deletes its copies when it ends
 */
public record TokenCache(Path root, boolean deleteAfterRun) {
  public TokenCache {
    requireNonNull(root, "root");
  }

  /**
   * A cache deleted after each run, under {@code java.io.tmpdir}: for runs outside Spark, the
   * command line's.
   */
  public static TokenCache temporary() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return new TokenCache(
        Paths.get(System.getProperty("java.io.tmpdir"), "scalinglab-tokens-" + user), true);
  }

  /** A cache kept after the run, so later runs on the same data reuse it. */
  public static TokenCache shared(Path root) {
    return new TokenCache(root, false);
  }

  /**
   * The folder for copies of the shards of {@code split} of the dataset whose manifest is {@code
   * datasetManifest}, for run {@code runId}.
   */
  public Path folder(String runId, JsonNode datasetManifest, String split) {
    String content = Ids.hash(Ids.canonicalJson(datasetManifest.path(split)), 16);
    return runFolder(runId).resolve(split + "-" + content);
  }

  /** Deletes the run's copies if the cache is deleted after runs; logs what it cannot delete. */
  public void release(String runId, Consumer<String> log) {
    Path dir = runFolder(runId);
    if (!deleteAfterRun || !Files.exists(dir)) {
      return;
    }
    // Deleting a mapped file is safe: its pages stay readable until the mapping goes.
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(TokenCache::delete);
    } catch (IOException | RuntimeException e) {
      log.accept("could not delete the token cache " + dir + ": " + e + "; delete it by hand");
    }
  }

  private Path runFolder(String runId) {
    return deleteAfterRun ? root.resolve(runId) : root;
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
