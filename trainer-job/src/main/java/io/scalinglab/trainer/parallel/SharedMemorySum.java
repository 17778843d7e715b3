package io.scalinglab.trainer.parallel;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.scalinglab.trainer.parallel.Collective.SharedSum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * {@link SharedSum} for members on one host: each member's gradients live in a file of its own in
 * {@code /dev/shm} (memory, not disk), mapped by every member, and the members' TCP connections
 * carry only the signals that say when to read. Per sum: every member says its gradients (and its
 * loss and weight, in the file's header) are ready; member r sums segment r of every member's
 * gradients in rank order into its own; every member says so; each copies the other segments' sums
 * from their owners; and says when it is done reading, which its peers wait for before they write
 * their gradients again. The CPU work is what one JVM's threads do to sum their shards, with no
 * copies into and out of sockets.
 *
 * <p>A file is unlinked as soon as every member has mapped it, so nothing is left in {@code
 * /dev/shm} when a member dies; the space is preallocated, so a full {@code /dev/shm} (a
 * container's is 64 MB by default) is an error at set-up, and every member falls back to TCP, not a
 * crash on first write.
 */
final class SharedMemorySum implements SharedSum {
  /** Where the files go: Linux's shared-memory file system. */
  static final Path DIR = Path.of("/dev/shm");

  /** Header: magic (int), rank (int), nonce (long), loss (double), weight (float); then floats. */
  static final int HEADER_BYTES = 64;

  private static final int MAGIC = 0x53484d47;
  private static final int LOSS_AT = 16;
  private static final int FACTOR_AT = 24;
  private static final int BLOCK = 1 << 14;
  private static final int ZEROS = 1 << 20;

  private final TcpCollective group;
  private final int rank;
  private final int size;
  private final ByteBuffer[] regions;
  private final FloatBuffer[] floats;
  private final int n;
  private final float[] sum = new float[BLOCK];
  private final float[] term = new float[BLOCK];
  private long seq;

  private SharedMemorySum(TcpCollective group, ByteBuffer[] regions, int n) {
    this.group = group;
    this.rank = group.rank();
    this.size = group.size();
    this.regions = regions;
    this.n = n;
    this.floats = new FloatBuffer[size];
    for (int r = 0; r < size; r++) {
      floats[r] = gradients(regions[r]).asFloatBuffer();
    }
  }

  /**
   * Sets up the sum of {@code floats} floats through shared memory if {@code allowed} and every
   * member can map every other's file; null on every member otherwise. Every member calls it at the
   * same point.
   */
  static SharedMemorySum open(TcpCollective group, long floats, boolean allowed)
      throws IOException {
    long bytes = HEADER_BYTES + 4 * floats;
    long nonce = new SecureRandom().nextLong();
    Path own = null;
    ByteBuffer mine = null;
    if (allowed && bytes <= Integer.MAX_VALUE && Files.isDirectory(DIR) && Files.isWritable(DIR)) {
      try {
        own = Files.createTempFile(DIR, "scalinglab-gradients-", ".bin");
        mine = create(own, (int) bytes, group.rank(), nonce);
      } catch (IOException | RuntimeException e) {
        mine = null; // not enough room, or no mapping here: TCP then
      }
    }
    try {
      String note = mine == null ? "" : own + "\n" + nonce;
      byte[][] notes = group.exchange(TcpCollective.SHARE, note.getBytes(UTF_8));
      boolean mapped = true;
      ByteBuffer[] regions = new ByteBuffer[group.size()];
      for (int j = 0; j < regions.length && mapped; j++) {
        String[] pathAndNonce = new String(notes[j], UTF_8).split("\n", -1);
        if (pathAndNonce.length != 2) {
          mapped = false;
        } else if (j == group.rank()) {
          regions[j] = mine;
        } else {
          regions[j] = map(Path.of(pathAndNonce[0]), (int) bytes, j, pathAndNonce[1]);
          mapped = regions[j] != null;
        }
      }
      byte[][] all = group.exchange(TcpCollective.SHARE, new byte[] {(byte) (mapped ? 1 : 0)});
      for (byte[] ok : all) {
        mapped &= ok.length == 1 && ok[0] == 1;
      }
      return mapped ? new SharedMemorySum(group, regions, Math.toIntExact(floats)) : null;
    } finally {
      if (own != null) {
        Files.deleteIfExists(own); // the mappings outlive the name
      }
    }
  }

  @Override
  public ByteBuffer gradients() {
    return gradients(regions[rank]);
  }

  @Override
  public void acquire() {
    try {
      group.settle();
    } catch (IOException e) {
      throw group.failedDuring("a gradient sum through shared memory", e);
    }
  }

  @Override
  public double sum(float factor, double loss) {
    long t0 = System.nanoTime();
    try {
      group.settle();
      ByteBuffer own = regions[rank];
      own.putDouble(LOSS_AT, loss);
      own.putFloat(FACTOR_AT, factor);
      group.signal(TcpCollective.READY, seq);
      group.await(TcpCollective.READY, seq);
      float[] factors = new float[size];
      double losses = 0;
      for (int r = 0; r < size; r++) {
        factors[r] = regions[r].getFloat(FACTOR_AT);
        losses += regions[r].getDouble(LOSS_AT);
      }
      addSegment(factors);
      group.signal(TcpCollective.SUMMED, seq);
      group.await(TcpCollective.SUMMED, seq);
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          floats[rank].put(from(j), floats[j], from(j), segment(j));
        }
      }
      group.signal(TcpCollective.DONE, seq);
      group.awaitLater(TcpCollective.DONE, seq);
      seq++;
      // read from the peers: their copies of this member's segment, then their segments' sums
      long read = 4L * (size - 1) * segment(rank) + 4L * (n - segment(rank));
      group.counted(System.nanoTime() - t0, read);
      return losses;
    } catch (IOException e) {
      throw group.failedDuring("a gradient sum through shared memory", e);
    }
  }

  /**
   * This member's segment ← Σ over ranks in order of {@code factor_r · gradients_r}, a block at a
   * time in heap arrays, where the JIT vectorizes the products and adds (Java does not fuse them:
   * each product is rounded to float32, then added, as the TCP sum's weighted copies are).
   */
  private void addSegment(float[] factors) {
    int to = from(rank + 1);
    for (int at = from(rank); at < to; at += BLOCK) {
      int len = Math.min(BLOCK, to - at);
      floats[0].get(at, sum, 0, len);
      float f0 = factors[0];
      for (int i = 0; i < len; i++) {
        sum[i] = f0 * sum[i];
      }
      for (int r = 1; r < size; r++) {
        floats[r].get(at, term, 0, len);
        float f = factors[r];
        for (int i = 0; i < len; i++) {
          sum[i] += f * term[i];
        }
      }
      floats[rank].put(at, sum, 0, len);
    }
  }

  /** Where segment {@code j} begins: the same cut as the TCP sum's. */
  private int from(int j) {
    return (int) ((long) n * j / size);
  }

  private int segment(int j) {
    return from(j + 1) - from(j);
  }

  private static ByteBuffer gradients(ByteBuffer region) {
    return region.duplicate().position(HEADER_BYTES).slice().order(ByteOrder.nativeOrder());
  }

  /**
   * Fills {@code path} with {@code bytes} zeros (so the memory is taken now, not at a first write
   * that would find none), maps it and writes its header.
   */
  private static ByteBuffer create(Path path, int bytes, int rank, long nonce) throws IOException {
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(Math.min(ZEROS, bytes));
      for (long at = 0; at < bytes; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
        at += ch.write(zeros, at);
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
      m.order(ByteOrder.nativeOrder());
      m.putInt(0, MAGIC).putInt(4, rank).putLong(8, nonce);
      return m;
    }
  }

  /** Peer {@code rank}'s file, read-only, if it is the one that peer wrote; null otherwise. */
  private static ByteBuffer map(Path path, int bytes, int rank, String nonce) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() != bytes) {
        return null;
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
      m.order(ByteOrder.nativeOrder());
      boolean theirs =
          m.getInt(0) == MAGIC && m.getInt(4) == rank && Long.toString(m.getLong(8)).equals(nonce);
      return theirs ? m : null;
    } catch (IOException | RuntimeException e) {
      return null; // another host's path, or gone: TCP then
    }
  }
}
