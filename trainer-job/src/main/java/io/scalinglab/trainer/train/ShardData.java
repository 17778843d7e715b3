package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.store.ResultsStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * Reads a prepared split's shards, in manifest order, into memory: the whole validation split, or
 * the first tokens of the training split that a data-size subset covers.
 */
final class ShardData {
  private ShardData() {}

  /** A split's tokens and its end-of-text token. */
  record Split(int[] tokens, int eot) {
    /** The first {@code max} documents (runs of tokens ending with EOT, EOT excluded). */
    List<int[]> documents(int max) {
      List<int[]> docs = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < tokens.length && docs.size() < max; i++) {
        if (tokens[i] == eot) {
          if (i > start) {
            docs.add(Arrays.copyOfRange(tokens, start, i));
          }
          start = i + 1;
        }
      }
      return docs;
    }
  }

  static Split read(
      ResultsStore store, Path datasetDir, JsonNode manifest, String split, long maxTokens) {
    int vocab = manifest.path("vocab_size").asInt();
    long total = Math.min(manifest.path(split).path("tokens").asLong(), maxTokens);
    if (total > Integer.MAX_VALUE - 8) {
      throw new InputException(
          datasetDir
              + ": the "
              + split
              + " split's "
              + total
              + " tokens do not fit one array;"
              + " train on a smaller subset (train.subset)");
    }
    int[] out = new int[(int) total];
    int filled = 0;
    for (JsonNode shard : manifest.path(split).path("shards")) {
      if (filled >= total) {
        break;
      }
      Path p = new Path(datasetDir, shard.path("file").asText());
      int[] tokens;
      try (InputStream in = store.fs().open(p)) {
        tokens = TokenShards.readAll(in, p.toString(), vocab);
      } catch (IOException e) {
        throw new StoreException("cannot read shard " + p + ": " + e.getMessage(), e);
      }
      int n = (int) Math.min(tokens.length, total - filled);
      System.arraycopy(tokens, 0, out, filled, n);
      filled += n;
    }
    if (filled < total) {
      throw InputException.of(
          datasetDir.toString(),
          "the " + split + " shards hold " + filled + " tokens, the manifest says " + total,
          "Prepare the dataset again (delete its folder first)");
    }
    return new Split(out, manifest.path("eot").asInt());
  }
}
