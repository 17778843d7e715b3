package io.scalinglab.trainer.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.apache.hadoop.fs.Path;

/**
 * What a prepare run produced: the dataset id, its folder in the store, whether an existing dataset
 * was reused instead of prepared again, its manifest and the time taken.
 */
public record PrepareResult(
    String datasetId, Path dir, boolean reused, JsonNode manifest, Duration elapsed) {

  static PrepareResult of(
      String datasetId, Path dir, boolean reused, JsonNode manifest, long startNanos) {
    return new PrepareResult(
        datasetId, dir, reused, manifest, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /** Training tokens. */
  public long trainTokens() {
    return manifest.path("train").path("tokens").asLong();
  }

  /** Validation tokens. */
  public long valTokens() {
    return manifest.path("val").path("tokens").asLong();
  }

  /** Documents in the validation split. */
  public long valDocuments() {
    return manifest.path("val").path("documents").asLong();
  }

  /** Documents in both splits. */
  public long documents() {
    return manifest.path("documents").asLong();
  }

  /** Corrupt records that were skipped. */
  public long skipped() {
    return manifest.path("skipped").path("total").asLong();
  }
}
