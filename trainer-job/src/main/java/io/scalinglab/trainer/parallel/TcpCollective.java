package io.scalinglab.trainer.parallel;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * A {@link Collective} over TCP: every member holds one connection to every other (W − 1 each),
 * made once when the run starts, and a sum is a reduce-scatter then an all-gather over them. The
 * float vector is cut into W segments; member r receives segment r from every peer, sums the W
 * copies element by element in rank order, and sends the sum back to every peer. Each member sends
 * and receives 2·(W − 1)/W of the vector per sum, what a ring all-reduce moves, in two rounds
 * rather than 2·(W − 1), and every element of the result is one fixed left-to-right sum.
 *
 * <p>Why not an existing collective: XGBoost4J's {@code Communicator} (3.0.4; 3.4.0, the newest on
 * Maven Central, has the same Java code; Apache-2.0, natives for Linux, macOS and Windows, a native
 * tracker, float32 sums) was tried first. Its Java {@code allReduce} drops the native call's return
 * code: with the peer killed, the survivor's all-reduce returned its own input, unreduced, 446,000
 * times in a row without an error (measured), which would train on half the gradient rather than
 * fail and retry. Its ring also sums each segment starting at a different rank, so for W ≥ 3 the
 * result is not the order one JVM's threads sum in (21% of elements differed at W = 3).
 *
 * <p>Members on one host sum through shared memory instead ({@link #share}, {@link
 * SharedMemorySum}), the connections then carrying only the signals that say when to read.
 *
 * <p>A member that Spark has killed ({@code abandoned}) closes its connections within 200 ms, so
 * its peers fail too instead of waiting; a peer whose process died is seen at once (the connection
 * closes). Every message carries its operation and length, so members out of step fail with a
 * message rather than misread each other.
 */
public final class TcpCollective implements Collective {
  private static final int MAGIC = 0x53434c44;
  private static final int SUM = 1;
  private static final int GATHER = 2;
  static final int SHARE = 3;
  static final int READY = 4;
  static final int SUMMED = 5;
  static final int DONE = 6;
  static final int NORMS = 7;
  static final int STEPPED = 8;
  private static final int MAX_NOTE_BYTES = 1 << 16;
  private static final int HEADER_BYTES = 16;
  private static final int SOCKET_BUFFER = 4 << 20;
  private static final long WATCH_MILLIS = 200;
  private static final int BLOCK = 1 << 14;

  private final int rank;
  private final int size;
  private final boolean sharedMemory;
  private final List<String> addresses;
  private final SocketChannel[] peers;
  private final ByteBuffer[] incoming;
  private final ExecutorService senders;
  private final float[] sum = new float[BLOCK];
  private final float[] term = new float[BLOCK];
  private volatile boolean closed;
  private volatile boolean killed;
  private long sums;
  private long sumNanos;
  private long bytesSent;
  private String transport = "tcp";

  /** A signal every peer has sent or will send, not read yet: {op, seq}, or null. */
  private long[] expected;

  private TcpCollective(
      int rank, List<String> addresses, SocketChannel[] peers, boolean sharedMemory) {
    this.rank = rank;
    this.size = addresses.size();
    this.sharedMemory = sharedMemory;
    this.addresses = List.copyOf(addresses);
    this.peers = peers;
    this.incoming = new ByteBuffer[size];
    this.senders =
        Executors.newFixedThreadPool(
            Math.max(1, size - 1),
            r -> {
              Thread t = new Thread(r, "collective-" + rank + "-send");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The socket a member listens on, opened on {@code host} at a free port before the members
   * exchange their addresses, so that every peer can connect once it has them.
   */
  public static ServerSocketChannel listen(String host) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
    server.bind(new InetSocketAddress(host, 0), 64);
    return server;
  }

  /** {@code host:port} of {@code server}, as its peers connect to it. */
  public static String address(ServerSocketChannel server, String host) throws IOException {
    return host + ":" + ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /**
   * Connects member {@code rank} to the others: it connects to every lower rank and accepts every
   * higher one on {@code server}, which it then closes.
   *
   * @param addresses every member's {@code host:port}, by rank
   * @param token what every member of this attempt of this run knows, so a connection from anything
   *     else (another run, an earlier attempt) is refused
   * @param timeout how long to wait for the peers to connect
   * @param abandoned whether Spark has killed this member's task (polled every 200 ms)
   * @param sharedMemory whether {@link #share} may sum through shared memory when every member is
   *     on one host ({@code train.data-parallel-transport = auto}); false keeps every sum on TCP
   */
  public static TcpCollective connect(
      int rank,
      List<String> addresses,
      ServerSocketChannel server,
      long token,
      Duration timeout,
      BooleanSupplier abandoned,
      boolean sharedMemory)
      throws IOException {
    requireNonNull(abandoned, "abandoned");
    int size = addresses.size();
    if (rank < 0 || rank >= size) {
      throw new IllegalArgumentException("rank " + rank + " of " + size);
    }
    SocketChannel[] peers = new SocketChannel[size];
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (int j = 0; j < rank; j++) {
        SocketChannel c = SocketChannel.open();
        tune(c);
        c.connect(socketAddress(addresses.get(j)));
        peers[j] = c;
        ByteBuffer hello = ByteBuffer.allocate(20);
        hello.putInt(MAGIC).putLong(token).putInt(rank).putInt(size).flip();
        writeFully(c, hello);
      }
      server.configureBlocking(false);
      int expected = size - 1 - rank;
      while (expected > 0) {
        SocketChannel c = server.accept();
        if (c == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException(
                expected + " peer(s) of rank " + rank + " did not connect within " + timeout);
          }
          Thread.sleep(5);
          continue;
        }
        c.configureBlocking(true);
        tune(c);
        ByteBuffer hello = ByteBuffer.allocate(20);
        readFully(c, hello);
        hello.flip();
        int from = hello.getInt() == MAGIC && hello.getLong() == token ? hello.getInt() : -1;
        if (from <= rank || from >= size || hello.getInt() != size || peers[from] != null) {
          c.close(); // not a member of this attempt: a stray or stale connection
          continue;
        }
        peers[from] = c;
        expected--;
      }
    } catch (IOException | RuntimeException e) {
      closeAll(peers);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(peers);
      throw new IOException("interrupted while connecting to the peers", e);
    } finally {
      server.close();
    }
    TcpCollective c = new TcpCollective(rank, addresses, peers, sharedMemory);
    c.watch(abandoned);
    return c;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void sumFloats(ByteBuffer floats) {
    if (!floats.isDirect() || floats.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("floats must be a direct buffer in native byte order");
    }
    long t0 = System.nanoTime();
    int bytes = floats.limit();
    try {
      settle();
      // 1. reduce-scatter: segment j goes to member j; this member's own arrives from everyone
      List<Future<?>> sends = new ArrayList<>();
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          sends.add(send(j, SUM, segment(floats, bytes, j)));
        }
      }
      ByteBuffer mine = segment(floats, bytes, rank);
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          ByteBuffer in = incoming(j, mine.remaining());
          receive(j, SUM, in);
        }
      }
      await(sends);
      addInRankOrder(mine);
      // 2. all-gather: the summed segment to everyone, and theirs into place
      sends.clear();
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          sends.add(send(j, SUM, mine.duplicate()));
        }
      }
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          receive(j, SUM, segment(floats, bytes, j));
        }
      }
      await(sends);
    } catch (IOException e) {
      throw failed("a gradient sum", e);
    }
    sums++;
    sumNanos += System.nanoTime() - t0;
  }

  @Override
  public double[][] gather(double[] values) {
    ByteBuffer out = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder());
    out.asDoubleBuffer().put(values);
    double[][] all = new double[size][];
    all[rank] = values.clone();
    try {
      settle();
      List<Future<?>> sends = new ArrayList<>();
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          sends.add(send(j, GATHER, out.duplicate()));
        }
      }
      for (int j = 0; j < size; j++) {
        if (j != rank) {
          ByteBuffer in =
              ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder());
          receive(j, GATHER, in);
          in.flip();
          all[j] = new double[values.length];
          in.asDoubleBuffer().get(all[j]);
        }
      }
      await(sends);
    } catch (IOException e) {
      throw failed("a gather of losses", e);
    }
    return all;
  }

  @Override
  public Stats stats() {
    return new Stats(sums, sumNanos, bytesSent, transport);
  }

  /**
   * Through shared memory ({@link SharedMemorySum}) when the transport allows it and every member
   * is on this member's host, and every member could map every other's file; null otherwise, on
   * every member alike.
   */
  @Override
  public SharedSum share(long[] sizes) {
    String host = host(addresses.get(rank));
    boolean oneHost = addresses.stream().allMatch(a -> host(a).equals(host));
    try {
      SharedMemorySum s = SharedMemorySum.open(this, sizes, sharedMemory && oneHost);
      if (s != null) {
        transport = "shared-memory";
      }
      return s;
    } catch (IOException e) {
      throw failed("setting up shared memory", e);
    }
  }

  // ---- what SharedMemorySum exchanges over the connections ----

  /**
   * Sends {@code payload} (a few bytes) to every peer as operation {@code op}, and returns theirs.
   */
  byte[][] exchange(int op, byte[] payload) throws IOException {
    settle();
    for (int j = 0; j < size; j++) {
      if (j != rank) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.putInt(op).putInt(rank).putLong(payload.length).put(payload).flip();
        writeFully(peers[j], b);
      }
    }
    byte[][] all = new byte[size][];
    all[rank] = payload.clone();
    for (int j = 0; j < size; j++) {
      if (j != rank) {
        long length = header(j, op);
        if (length < 0 || length > MAX_NOTE_BYTES) {
          throw outOfStep(j, op, length);
        }
        ByteBuffer in = ByteBuffer.allocate((int) length);
        readFully(peers[j], in);
        all[j] = in.array();
      }
    }
    return all;
  }

  /** Tells every peer that this member has reached {@code op} of sum number {@code seq}. */
  void signal(int op, long seq) throws IOException {
    for (int j = 0; j < size; j++) {
      if (j != rank) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(op).putInt(rank).putLong(seq).flip();
        writeFully(peers[j], b);
      }
    }
  }

  /**
   * Waits until every peer has said {@link #signal}{@code (op, seq)}, after reading any signal
   * {@link #awaitLater} deferred (it comes first).
   */
  void await(int op, long seq) throws IOException {
    settle();
    for (int j = 0; j < size; j++) {
      if (j != rank) {
        long got = header(j, op);
        if (got != seq) {
          throw outOfStep(j, op, got);
        }
      }
    }
  }

  /**
   * Notes that every peer sends {@code op} of {@code seq} next, to be read by {@link #settle}
   * before anything else is: so a member does not wait for it until it has to.
   */
  void awaitLater(int op, long seq) {
    expected = new long[] {op, seq};
  }

  /** Reads the signal {@link #awaitLater} deferred, if any. */
  void settle() throws IOException {
    if (expected != null) {
      long[] e = expected;
      expected = null;
      await((int) e[0], e[1]);
    }
  }

  /** Counts one gradient sum of {@code nanos} that moved {@code bytes} from or to the peers. */
  void counted(long nanos, long bytes) {
    sums++;
    sumNanos += nanos;
    bytesSent += bytes;
  }

  /** Fails as {@link #sumFloats} does when a peer is gone during {@code during}. */
  CollectiveException failedDuring(String during, IOException e) {
    return failed(during, e);
  }

  /** Reads peer {@code j}'s next header, which must be operation {@code op}; its length field. */
  private long header(int j, int op) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(peers[j], header);
    header.flip();
    int gotOp = header.getInt();
    int from = header.getInt();
    long length = header.getLong();
    if (gotOp != op || from != j) {
      throw outOfStep(j, gotOp, length);
    }
    return length;
  }

  private IOException outOfStep(int j, int op, long value) {
    return new IOException(
        String.format(
            "rank %d sent operation %d (%d) where rank %d expected another: the members are out"
                + " of step",
            j, op, value, rank));
  }

  private static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  @Override
  public void close() {
    closed = true;
    senders.shutdownNow();
    closeAll(peers);
  }

  // ---- the sum ----

  /**
   * This member's segment ← Σ over ranks in order of each member's copy (its own in place), a block
   * of floats at a time in heap arrays, where the JIT vectorizes the adds (each element's sum stays
   * the same left-to-right sum).
   */
  private void addInRankOrder(ByteBuffer mine) {
    FloatBuffer[] v = new FloatBuffer[size];
    for (int r = 0; r < size; r++) {
      ByteBuffer b = r == rank ? mine.duplicate() : (ByteBuffer) incoming[r].flip();
      v[r] = b.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    FloatBuffer out = mine.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    int n = out.remaining();
    for (int from = 0; from < n; from += BLOCK) {
      int len = Math.min(BLOCK, n - from);
      v[0].get(from, sum, 0, len);
      for (int r = 1; r < size; r++) {
        v[r].get(from, term, 0, len);
        for (int i = 0; i < len; i++) {
          sum[i] += term[i];
        }
      }
      out.put(from, sum, 0, len);
    }
  }

  /**
   * Bytes of segment {@code j} of a vector of {@code bytes}: whole floats, the last ones larger.
   */
  private ByteBuffer segment(ByteBuffer floats, int bytes, int j) {
    long n = bytes / 4;
    int from = (int) (n * j / size) * 4;
    int to = (int) (n * (j + 1) / size) * 4;
    return floats.duplicate().limit(to).position(from).slice().order(ByteOrder.nativeOrder());
  }

  /** The buffer peer {@code j}'s copy of this member's segment arrives in, cleared. */
  private ByteBuffer incoming(int j, int bytes) {
    if (incoming[j] == null || incoming[j].capacity() < bytes) {
      incoming[j] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    return incoming[j].clear().limit(bytes);
  }

  // ---- messages ----

  private Future<?> send(int j, int op, ByteBuffer payload) {
    long length = payload.remaining();
    bytesSent += op == SUM ? length : 0;
    return senders.submit(
        () -> {
          ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
          header.putInt(op).putInt(rank).putLong(length).flip();
          ByteBuffer[] both = {header, payload};
          while (header.hasRemaining() || payload.hasRemaining()) {
            peers[j].write(both);
          }
          return null;
        });
  }

  /** Reads peer {@code j}'s next message, which must be {@code op} of {@code into}'s size. */
  private void receive(int j, int op, ByteBuffer into) throws IOException {
    long length = header(j, op);
    if (length != into.remaining()) {
      throw new IOException(
          String.format(
              "rank %d sent %d bytes where rank %d expected %d: the members are out of step",
              j, length, rank, into.remaining()));
    }
    readFully(peers[j], into);
  }

  private void await(List<Future<?>> sends) throws IOException {
    for (Future<?> f : sends) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while sending", e);
      }
    }
  }

  private CollectiveException failed(String during, IOException e) {
    close();
    String why =
        killed
            ? "Spark killed this task"
            : "a peer is gone (its task failed or its executor was lost) or out of step";
    return new CollectiveException(
        "data-parallel rank "
            + rank
            + " of "
            + size
            + " ("
            + addresses.get(rank)
            + ") failed during "
            + during
            + ": "
            + why
            + " ("
            + e
            + "); Spark retries the barrier stage and the run resumes from its last checkpoint",
        e);
  }

  /** Closes the connections once {@code abandoned} holds, so a killed member's peers fail too. */
  private void watch(BooleanSupplier abandoned) {
    Thread t =
        new Thread(
            () -> {
              while (!closed) {
                if (abandoned.getAsBoolean()) {
                  killed = true;
                  close();
                  return;
                }
                try {
                  Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "collective-" + rank + "-watch");
    t.setDaemon(true);
    t.start();
  }

  // ---- sockets ----

  private static void tune(SocketChannel c) throws IOException {
    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
    c.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
    c.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
  }

  private static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static void writeFully(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static void readFully(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new EOFException("the connection closed");
      }
    }
  }

  private static void closeAll(SocketChannel[] channels) {
    for (SocketChannel c : channels) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // closing: nothing left to do with it
        }
      }
    }
  }
}
