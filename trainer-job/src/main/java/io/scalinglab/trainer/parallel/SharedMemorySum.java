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
 * carry only the signals that say when to read. The vector is cut into one segment per member at
 * parameter boundaries ({@link #cuts}). Per sum: every member says its gradients (and its loss and
 * weight, in its file's header) are ready; member r sums segment r of every member's gradients in
 * rank order into its own and says so; unless the members step their optimizer in shards, every
 * member then copies the other segments' sums from their owners and says when it is done reading. A
 * member waits for the last of these signals before it next writes its gradients (or sends anything
 * else). The CPU work is what one JVM's threads do to sum their shards, with no copies into and out
 * of sockets.
 *
 * <p>Sharded ({@link #shardOptimizer}): rank 0's second file holds the parameters and AdamW's two
 * moments, which every member maps; member r clips and steps only the parameters of segment r, from
 * the sums it made, and the global norm comes from every member's sums of squares of its own
 * segment's gradients (a table in each header), added in parameter order as {@code GradClip} adds
 * them. Nothing is copied between members, each member does 1/W of the optimizer's work, and every
 * value is the one a single model computes.
 *
 * <p>A file is unlinked as soon as every member has mapped it, so nothing is left in {@code
 * /dev/shm} when a member dies; the space is preallocated, so a full {@code /dev/shm} (a
 * container's is 64 MB by default) is an error at set-up, after which every member falls back to
 * TCP, not a crash on first write.
 */
final class SharedMemorySum implements SharedSum {
  /** Where the files go: Linux's shared-memory file system. */
  static final Path DIR = Path.of("/dev/shm");

  private static final int MAGIC = 0x53484d47;
  private static final int LOSS_AT = 16;
  private static final int FACTOR_AT = 24;

  /** Where the table of sums of squares, one double per parameter, begins in a header. */
  private static final int SQUARES_AT = 64;

  private static final int BLOCK = 1 << 14;
  private static final int ZEROS = 1 << 20;

  private final TcpCollective group;
  private final int rank;
  private final int size;
  private final ByteBuffer[] regions;
  private final FloatBuffer[] floats;
  private final ByteBuffer state;
  private final int headerBytes;
  private final int n;
  private final int[] cuts;
  private final long[] starts;
  private final float[] sum = new float[BLOCK];
  private final float[] term = new float[BLOCK];
  private boolean sharded;
  private long seq;

  private SharedMemorySum(
      TcpCollective group, ByteBuffer[] regions, ByteBuffer state, int headerBytes, long[] sizes) {
    this.group = group;
    this.rank = group.rank();
    this.size = group.size();
    this.regions = regions;
    this.state = state;
    this.headerBytes = headerBytes;
    this.cuts = cuts(sizes, size);
    this.starts = new long[sizes.length + 1];
    for (int t = 0; t < sizes.length; t++) {
      starts[t + 1] = starts[t] + sizes[t];
    }
    this.n = Math.toIntExact(starts[sizes.length]);
    this.floats = new FloatBuffer[size];
    for (int r = 0; r < size; r++) {
      floats[r] = gradients(regions[r]).asFloatBuffer();
    }
  }

  /**
   * Sets up the sum of gradients of {@code sizes} floats (one entry per parameter, in the order
   * they lie in memory) through shared memory if {@code allowed} and every member can map every
   * other's files; null on every member otherwise. Every member calls it at the same point.
   */
  static SharedMemorySum open(TcpCollective group, long[] sizes, boolean allowed)
      throws IOException {
    long floats = 0;
    for (long s : sizes) {
      floats += s;
    }
    int headerBytes = (SQUARES_AT + 8 * sizes.length + 63) / 64 * 64;
    long bytes = headerBytes + 4 * floats;
    long stateBytes = 3 * 4 * floats;
    boolean first = group.rank() == 0;
    long nonce = new SecureRandom().nextLong();
    Path own = null;
    Path ownState = null;
    ByteBuffer mine = null;
    ByteBuffer state = null;
    if (allowed
        && Math.max(bytes, stateBytes) <= Integer.MAX_VALUE
        && Files.isDirectory(DIR)
        && Files.isWritable(DIR)) {
      try {
        own = Files.createTempFile(DIR, "scalinglab-gradients-", ".bin");
        mine = create(own, (int) bytes, group.rank(), nonce);
        if (first) {
          ownState = Files.createTempFile(DIR, "scalinglab-state-", ".bin");
          state = create(ownState, (int) stateBytes, -1, nonce);
        }
      } catch (IOException | RuntimeException e) {
        mine = null; // not enough room, or no mapping here: TCP then
      }
    }
    try {
      String note = mine == null ? "" : own + "\n" + nonce + "\n" + (first ? ownState : "");
      byte[][] notes = group.exchange(TcpCollective.SHARE, note.getBytes(UTF_8));
      boolean mapped = true;
      ByteBuffer[] regions = new ByteBuffer[group.size()];
      for (int j = 0; j < regions.length && mapped; j++) {
        String[] parts = new String(notes[j], UTF_8).split("\n", -1);
        if (parts.length != 3) {
          mapped = false;
        } else if (j == group.rank()) {
          regions[j] = mine;
        } else {
          regions[j] = map(Path.of(parts[0]), (int) bytes, j, parts[1], false);
          if (j == 0) {
            state = map(Path.of(parts[2]), (int) stateBytes, -1, parts[1], true);
            mapped = state != null;
          }
          mapped &= regions[j] != null;
        }
      }
      byte[][] all = group.exchange(TcpCollective.SHARE, new byte[] {(byte) (mapped ? 1 : 0)});
      for (byte[] ok : all) {
        mapped &= ok.length == 1 && ok[0] == 1;
      }
      return mapped ? new SharedMemorySum(group, regions, state, headerBytes, sizes) : null;
    } finally {
      // the mappings outlive the names
      if (own != null) {
        Files.deleteIfExists(own);
      }
      if (ownState != null) {
        Files.deleteIfExists(ownState);
      }
    }
  }

  /**
   * Where the segments begin, as parameter indices, and the parameter count last: member r has
   * parameters {@code [cuts[r], cuts[r + 1])}, cut at the parameter boundary nearest to an equal
   * share of the floats (a member may get none when one parameter is most of the model).
   */
  static int[] cuts(long[] sizes, int members) {
    long total = 0;
    for (long s : sizes) {
      total += s;
    }
    int[] cut = new int[members + 1];
    cut[members] = sizes.length;
    int t = 0;
    long at = 0;
    for (int r = 1; r < members; r++) {
      long target = total * r / members;
      while (t < sizes.length && Math.abs(at + sizes[t] - target) <= Math.abs(at - target)) {
        at += sizes[t];
        t++;
      }
      cut[r] = t;
    }
    return cut;
  }

  @Override
  public ByteBuffer gradients() {
    return gradients(regions[rank]);
  }

  @Override
  public ByteBuffer parameters() {
    return slice(state, 0, 4L * n);
  }

  @Override
  public ByteBuffer moments() {
    return slice(state, 4L * n, 8L * n);
  }

  @Override
  public int[] ownedParameters() {
    return new int[] {cuts[rank], cuts[rank + 1]};
  }

  @Override
  public void shardOptimizer() {
    sharded = true;
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
      // read from the peers: their copies of this member's segment (and, unsharded, the other
      // segments' sums)
      long read = 4L * (size - 1) * segment(rank);
      if (sharded) {
        // the peers may still be reading this member's gradients: the next write waits for them
        group.awaitLater(TcpCollective.SUMMED, seq);
      } else {
        group.await(TcpCollective.SUMMED, seq);
        for (int j = 0; j < size; j++) {
          if (j != rank) {
            floats[rank].put(from(j), floats[j], from(j), segment(j));
          }
        }
        group.signal(TcpCollective.DONE, seq);
        group.awaitLater(TcpCollective.DONE, seq);
        read += 4L * (n - segment(rank));
      }
      seq++;
      group.counted(System.nanoTime() - t0, read);
      return losses;
    } catch (IOException e) {
      throw group.failedDuring("a gradient sum through shared memory", e);
    }
  }

  @Override
  public double sumOfSquares(double[] owned) {
    int[] mine = ownedParameters();
    if (owned.length != mine[1] - mine[0]) {
      throw new IllegalArgumentException(
          owned.length + " sums of squares for " + (mine[1] - mine[0]) + " parameters");
    }
    try {
      for (int i = 0; i < owned.length; i++) {
        regions[rank].putDouble(SQUARES_AT + 8 * (mine[0] + i), owned[i]);
      }
      group.signal(TcpCollective.NORMS, seq);
      group.await(TcpCollective.NORMS, seq);
      double total = 0;
      for (int r = 0; r < size; r++) {
        for (int t = cuts[r]; t < cuts[r + 1]; t++) {
          total += regions[r].getDouble(SQUARES_AT + 8 * t);
        }
      }
      return total;
    } catch (IOException e) {
      throw group.failedDuring("the gradients' norm through shared memory", e);
    }
  }

  @Override
  public void stepped() {
    try {
      group.signal(TcpCollective.STEPPED, seq);
      group.await(TcpCollective.STEPPED, seq);
    } catch (IOException e) {
      throw group.failedDuring("an optimizer step through shared memory", e);
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

  /** Where segment {@code j} begins, in floats. */
  private int from(int j) {
    return (int) starts[cuts[j]];
  }

  private int segment(int j) {
    return from(j + 1) - from(j);
  }

  private ByteBuffer gradients(ByteBuffer region) {
    return slice(region, headerBytes, region.capacity() - headerBytes);
  }

  private static ByteBuffer slice(ByteBuffer b, long from, long length) {
    return b.duplicate()
        .position(Math.toIntExact(from))
        .limit(Math.toIntExact(from + length))
        .slice()
        .order(ByteOrder.nativeOrder());
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
      if (rank >= 0) {
        m.putInt(0, MAGIC).putInt(4, rank).putLong(8, nonce);
      }
      return m;
    }
  }

  /**
   * Peer {@code rank}'s file (rank −1: the state file, which has no header), if it is the one that
   * peer wrote; null otherwise.
   */
  private static ByteBuffer map(Path path, int bytes, int rank, String nonce, boolean write) {
    try (FileChannel ch =
        write
            ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() != bytes) {
        return null;
      }
      MappedByteBuffer m =
          ch.map(write ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, bytes);
      m.order(ByteOrder.nativeOrder());
      boolean theirs =
          rank < 0
              || m.getInt(0) == MAGIC
                  && m.getInt(4) == rank
                  && Long.toString(m.getLong(8)).equals(nonce);
      return theirs ? m : null;
    } catch (IOException | RuntimeException e) {
      return null; // another host's path, or gone: TCP then
    }
  }
}
