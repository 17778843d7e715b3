package io.scalinglab.analysis.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.sweep.TokenEntropy;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;

/**
 * The unigram and bigram entropies of each dataset's validation split, the reference levels the
 * report draws under the loss curves: read from the prepared shards a run of the dataset names in
 * its {@code manifest.json} ({@code dataset_dir}). A dataset whose shards cannot be found (a store
 * copied without its {@code data/} folder) gets none, with a log line.
 */
final class ValidationEntropy {
  /** At most this many validation tokens are counted; the demo's splits hold fewer. */
  static final int MAX_TOKENS = 20_000_000;

  private ValidationEntropy() {}

  /** The entropies per dataset name of {@code runs}, in the order the datasets first appear. */
  static Map<String, TokenEntropy> of(
      ResultsStore store, String sweep, List<Run> runs, Consumer<String> log) {
    Map<String, TokenEntropy> out = new LinkedHashMap<>();
    for (Run r : runs) {
      if (out.containsKey(r.dataset())) {
        continue;
      }
      Path runDir = store.runDir(sweep, r.runId());
      if (!store.exists(new Path(runDir, "manifest.json"))) {
        continue;
      }
      String datasetDir;
      try {
        datasetDir = RunManifest.read(store, runDir).datasetDir();
      } catch (InputException notOurs) {
        continue; // a manifest scalinglab did not write, or a newer one: no reference lines
      }
      if (datasetDir == null) {
        continue; // a testbed run: no token dataset
      }
      try {
        TokenEntropy e = read(store, new Path(datasetDir));
        out.put(r.dataset(), e);
        log.accept(
            String.format(
                java.util.Locale.ROOT,
                "validation entropy of %s: unigram %.3f, bigram %.3f nats per token (%,d tokens)",
                r.dataset(),
                e.unigram(),
                e.bigram(),
                e.tokens()));
      } catch (RuntimeException | IOException e) {
        log.accept("no validation entropy for " + r.dataset() + ": " + e.getMessage());
        out.put(r.dataset(), null);
      }
    }
    out.values().removeIf(java.util.Objects::isNull);
    return out;
  }

  private static TokenEntropy read(ResultsStore store, Path dir) throws IOException {
    JsonNode manifest = store.readJson(new Path(dir, "manifest.json"));
    int vocab = manifest.path("vocab_size").asInt();
    int[] tokens = new int[0];
    int length = 0;
    for (JsonNode shard : manifest.path("val").path("shards")) {
      if (length >= MAX_TOKENS) {
        break;
      }
      Path file = new Path(dir, shard.path("file").asText());
      int[] part;
      try (InputStream in = store.fs().open(file)) {
        part = TokenShards.readAll(in, file.toString(), vocab);
      }
      int take = Math.min(part.length, MAX_TOKENS - length);
      if (length + take > tokens.length) {
        tokens = Arrays.copyOf(tokens, Math.max(length + take, tokens.length * 2));
      }
      System.arraycopy(part, 0, tokens, length, take);
      length += take;
    }
    return TokenEntropy.of(tokens, length);
  }
}
