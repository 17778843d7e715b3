package io.scalinglab.trainer.data;

import static java.util.Objects.requireNonNull;

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
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;

/**
 * A prepared dataset's splits, each split's shards in manifest order: the whole validation split,
 * or the first tokens of the training split that a data-size subset covers. Either read into the
 * heap ({@link #read}) or memory-mapped from local copies of the shards ({@link #map}); every shard
 * is first checked against the size the manifest gives it.
 */
public final class ShardData {
  /**
   * Splits of up to this many tokens are read into the heap by {@link #open}; larger ones are
   * mapped. 64M tokens are 256 MB as an {@code int[]}: OpenWebText's validation split (about 4.5M
   * tokens) stays in memory, a large one cannot fill the heap.
   */
  static final long IN_MEMORY_MAX_TOKENS = 1L << 26;

  private static final int DOCUMENT_CHUNK = 1 << 16;

  private final ResultsStore store;
  private final Path datasetDir;
  private final JsonNode manifest;
  private final Consumer<String> log;

  /**
   * The dataset in folder {@code datasetDir} of {@code store}, whose {@code manifest.json} is
   * {@code manifest}; {@code log} hears how long copies took.
   */
  public ShardData(ResultsStore store, Path datasetDir, JsonNode manifest, Consumer<String> log) {
    this.store = requireNonNull(store, "store");
    this.datasetDir = requireNonNull(datasetDir, "datasetDir");
    this.manifest = requireNonNull(manifest, "manifest");
    this.log = requireNonNull(log, "log");
  }

  /** A split's tokens and its end-of-text token. */
  public record Split(TokenSource tokens, int eot) {
    /**
     * The first {@code max} documents (runs of tokens ending with EOT, EOT excluded), each cut to
     * its first {@code maxLength} tokens: at most {@code max * maxLength} tokens are held, however
     * large the split.
     */
    public List<int[]> documents(int max, int maxLength) {
      return windows(max, maxLength, 1).windows();
    }

    /**
     * The first {@code max} documents cut into up to {@code windows} consecutive context windows of
     * {@code length} tokens each, in document order (a document's last window may be shorter): at
     * most {@code max * windows * length} tokens are held.
     */
    public Windows windows(int max, int length, int windows) {
      if (max < 0 || length < 1 || windows < 1) {
        throw new IllegalArgumentException(
            "max " + max + ", length " + length + ", windows " + windows);
      }
      int keep = Math.multiplyExact(length, windows);
      List<int[]> out = new ArrayList<>();
      int documents = 0;
      int[] chunk = new int[DOCUMENT_CHUNK];
      int[] doc = new int[keep];
      long docLength = 0;
      for (long at = 0; at < tokens.length() && documents < max; at += chunk.length) {
        int n = (int) Math.min(chunk.length, tokens.length() - at);
        tokens.read(at, chunk, 0, n);
        for (int i = 0; i < n && documents < max; i++) {
          if (chunk[i] == eot) {
            if (docLength > 0) {
              int len = (int) Math.min(docLength, keep);
              for (int from = 0; from < len; from += length) {
                out.add(Arrays.copyOfRange(doc, from, Math.min(len, from + length)));
              }
              documents++;
            }
            docLength = 0;
          } else {
            if (docLength < keep) {
              doc[(int) docLength] = chunk[i];
            }
            docLength++;
          }
        }
      }
      return new Windows(out, documents);
    }
  }

  /**
   * Context windows cut from a split's documents.
   *
   * @param windows the windows, in document order
   * @param documents how many documents they came from
   */
  public record Windows(List<int[]> windows, int documents) {}

  /** One shard of a split: where it lies in the store, its tokens, and how many of them to use. */
  private record Shard(String file, Path path, long tokens, long used) {}

  /**
   * Reads the split into the heap if it has at most {@link #IN_MEMORY_MAX_TOKENS}, else maps it.
   */
  public Split open(String split, long maxTokens, java.nio.file.Path cacheFolder) {
    long total = Math.min(manifest.path(split).path("tokens").asLong(), maxTokens);
    return total <= IN_MEMORY_MAX_TOKENS
        ? read(split, maxTokens)
        : map(split, maxTokens, cacheFolder);
  }

  /**
   * Reads the first {@code maxTokens} tokens of the split into the heap.
   *
   * @throws InputException if they do not fit one array, or a shard is not as the manifest says
   */
  public Split read(String split, long maxTokens) {
    int vocab = manifest.path("vocab_size").asInt();
    List<Shard> shards = shards(split, maxTokens);
    long total = shards.stream().mapToLong(Shard::used).sum();
    if (total > Integer.MAX_VALUE - 8) {
      throw new InputException(
          datasetDir
              + ": the "
              + split
              + " split's "
              + total
              + " tokens do not fit one array: map the split (ShardData.map) instead");
    }
    int[] out = new int[(int) total];
    int filled = 0;
    for (Shard s : shards) {
      int[] tokens;
      try (InputStream in = store.fs().open(s.path())) {
        tokens = TokenShards.readAll(in, s.path().toString(), vocab);
      } catch (IOException e) {
        throw new StoreException("cannot read shard " + s.path() + ": " + e.getMessage(), e);
      }
      checkSize(s, 2L * tokens.length);
      System.arraycopy(tokens, 0, out, filled, (int) s.used());
      filled += (int) s.used();
    }
    return new Split(TokenSource.of(out), manifest.path("eot").asInt());
  }

  /**
   * Memory-maps the first {@code maxTokens} tokens of the split from local files: the store's own
   * on a {@code file://} store, else copies in {@code cacheFolder}, made once and reused (see
   * {@link LocalShards}). Only the shards those tokens reach are copied.
   *
   * @throws InputException if a shard is not as the manifest says
   * @throws StoreException if a shard cannot be copied or mapped
   */
  public Split map(String split, long maxTokens, java.nio.file.Path cacheFolder) {
    List<Shard> shards = shards(split, maxTokens);
    List<MappedTokens.Shard> local = new ArrayList<>();
    long copiedBytes = 0;
    long start = System.nanoTime();
    for (Shard s : shards) {
      // Shard files are unique as paths relative to the dataset, not always by their last name.
      java.nio.file.Path target = cacheFolder.resolve(s.file().replace('/', '_'));
      LocalShards.Local l = LocalShards.of(store.fs(), s.path(), 2 * s.tokens(), target);
      copiedBytes += l.copied() ? 2 * s.tokens() : 0;
      local.add(new MappedTokens.Shard(l.file(), s.used()));
    }
    if (copiedBytes > 0) {
      log.accept(
          String.format(
              Locale.ROOT,
              "copied %,d bytes of %s shards to %s in %.1f s",
              copiedBytes,
              split,
              cacheFolder,
              (System.nanoTime() - start) / 1e9));
    }
    return new Split(
        MappedTokens.map(local, manifest.path("vocab_size").asInt()), manifest.path("eot").asInt());
  }

  /**
   * The manifest's shards of {@code split} that its first {@code maxTokens} tokens reach, each
   * checked to hold the bytes its manifest entry says.
   */
  private List<Shard> shards(String split, long maxTokens) {
    long total = Math.min(manifest.path(split).path("tokens").asLong(), maxTokens);
    List<Shard> out = new ArrayList<>();
    long covered = 0;
    for (JsonNode entry : manifest.path(split).path("shards")) {
      if (covered >= total) {
        break;
      }
      String file = entry.path("file").asText();
      Path p = new Path(datasetDir, file);
      long tokens = entry.path("tokens").asLong();
      Shard s = new Shard(file, p, tokens, Math.min(tokens, total - covered));
      try {
        checkSize(s, store.fs().getFileStatus(p).getLen());
      } catch (IOException e) {
        throw new StoreException("cannot read shard " + p + ": " + e.getMessage(), e);
      }
      out.add(s);
      covered += s.used();
    }
    if (covered < total) {
      throw InputException.of(
          datasetDir.toString(),
          "the " + split + " shards hold " + covered + " tokens, the manifest says " + total,
          "Prepare the dataset again (delete its folder first)");
    }
    return out;
  }

  private static void checkSize(Shard s, long bytes) {
    if (bytes != 2 * s.tokens()) {
      throw InputException.of(
          s.path().toString(),
          "the shard holds "
              + bytes
              + " bytes, the manifest says "
              + s.tokens()
              + " tokens ("
              + 2 * s.tokens()
              + " bytes): it was cut short or replaced",
          "Prepare the dataset again (delete its folder first)");
    }
  }
}
