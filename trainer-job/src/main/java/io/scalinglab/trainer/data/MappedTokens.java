package io.scalinglab.trainer.data;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.TokenShards;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokens memory-mapped read-only from local shard files, the shards in order as one sequence. Only
 * the pages that windows touch are read, into the operating system's page cache rather than the
 * heap, so runs that map the same files share them. A read that straddles two shards continues in
 * the next. Tokens are checked against the vocabulary as they are read, as {@link
 * TokenShards#readAll} checks them when it loads a shard whole.
 */
final class MappedTokens implements TokenSource {
  /**
   * The most tokens mapped as one buffer: {@link FileChannel#map} takes at most {@code
   * Integer.MAX_VALUE} bytes, so a larger shard is mapped in pieces of 1 GiB.
   */
  static final int MAX_PIECE_TOKENS = 1 << 29;

  /** One local shard file and how many of its leading tokens the source uses. */
  record Shard(Path file, long tokens) {
    Shard {
      requireNonNull(file, "file");
      if (tokens < 0) {
        throw new IllegalArgumentException("'" + tokens + "' in tokens is invalid: must be >= 0");
      }
    }
  }

  /** starts[k] is the position of piece k's first token; starts[pieces] is the length. */
  private final long[] starts;

  private final ShortBuffer[] pieces;
  private final Path[] files;

  /** The position of each piece's first token within its file, for error messages. */
  private final long[] fileOffsets;

  private final int vocabSize;

  private MappedTokens(
      long[] starts, ShortBuffer[] pieces, Path[] files, long[] fileOffsets, int vocabSize) {
    this.starts = starts;
    this.pieces = pieces;
    this.files = files;
    this.fileOffsets = fileOffsets;
    this.vocabSize = vocabSize;
  }

  /**
   * Maps the first {@code tokens} tokens of each shard, in order.
   *
   * @param vocabSize tokens must lie in {@code [0, vocabSize)}; 0 skips the check
   * @throws StoreException naming the file if it cannot be mapped or is shorter than its tokens
   */
  static MappedTokens map(List<Shard> shards, int vocabSize) {
    return map(shards, vocabSize, MAX_PIECE_TOKENS);
  }

  /** As {@link #map(List, int)}, in pieces of at most {@code pieceTokens} (small in tests). */
  static MappedTokens map(List<Shard> shards, int vocabSize, int pieceTokens) {
    requireNonNull(shards, "shards");
    if (pieceTokens < 1 || pieceTokens > MAX_PIECE_TOKENS) {
      throw new IllegalArgumentException(
          "'" + pieceTokens + "' in pieceTokens is invalid: must be 1 to " + MAX_PIECE_TOKENS);
    }
    List<ShortBuffer> pieces = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Long> fileOffsets = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    long length = 0;
    for (Shard s : shards) {
      try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
        if (ch.size() < 2 * s.tokens()) {
          throw new StoreException(
              s.file()
                  + ": holds "
                  + ch.size()
                  + " bytes, fewer than the "
                  + 2 * s.tokens()
                  + " its "
                  + s.tokens()
                  + " tokens need. Delete the file and run again");
        }
        for (long at = 0; at < s.tokens(); at += pieceTokens) {
          int n = (int) Math.min(pieceTokens, s.tokens() - at);
          // The mapping stays valid after the channel closes.
          pieces.add(
              ch.map(FileChannel.MapMode.READ_ONLY, 2 * at, 2L * n)
                  .order(ByteOrder.LITTLE_ENDIAN)
                  .asShortBuffer());
          files.add(s.file());
          fileOffsets.add(at);
          starts.add(length);
          length += n;
        }
      } catch (IOException e) {
        throw new StoreException(
            "cannot map token shard " + s.file() + ": " + e + ". Check the local disk", e);
      }
    }
    starts.add(length);
    return new MappedTokens(
        starts.stream().mapToLong(Long::longValue).toArray(),
        pieces.toArray(ShortBuffer[]::new),
        files.toArray(Path[]::new),
        fileOffsets.stream().mapToLong(Long::longValue).toArray(),
        vocabSize);
  }

  @Override
  public long length() {
    return starts[pieces.length];
  }

  @Override
  public void read(long offset, int[] dst, int dstOffset, int count) {
    ArrayTokens.checkRange(offset, count, length(), dst, dstOffset);
    if (count == 0) {
      return;
    }
    // The piece holding offset: the last start <= offset (starts rise strictly).
    int k = Arrays.binarySearch(starts, 0, pieces.length, offset);
    if (k < 0) {
      k = -k - 2;
    }
    while (count > 0) {
      ShortBuffer piece = pieces[k];
      int from = (int) (offset - starts[k]);
      int n = (int) Math.min(count, starts[k + 1] - offset);
      for (int j = 0; j < n; j++) {
        int token = piece.get(from + j) & 0xFFFF; // absolute get: no shared position to race on
        if (vocabSize > 0 && token >= vocabSize) {
          throw TokenShards.outsideVocabulary(
              files[k].toString(), token, fileOffsets[k] + from + j, vocabSize);
        }
        dst[dstOffset + j] = token;
      }
      offset += n;
      dstOffset += n;
      count -= n;
      k++;
    }
  }
}
