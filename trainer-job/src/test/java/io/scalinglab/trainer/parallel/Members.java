package io.scalinglab.trainer.parallel;

import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** W members of a {@link TcpCollective} on this machine's loopback, one thread each. */
final class Members {
  private Members() {}

  /** Connects {@code w} members, each never abandoned unless {@code abandoned} says so. */
  static List<TcpCollective> connect(int w, IntFunction<BooleanSupplier> abandoned)
      throws Exception {
    return connect(w, abandoned, true);
  }

  /**
   * Connects {@code w} members that may sum through shared memory ({@link TcpCollective#share}) if
   * {@code sharedMemory}.
   */
  static List<TcpCollective> connect(
      int w, IntFunction<BooleanSupplier> abandoned, boolean sharedMemory) throws Exception {
    List<ServerSocketChannel> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int r = 0; r < w; r++) {
      ServerSocketChannel s = TcpCollective.listen("127.0.0.1");
      servers.add(s);
      addresses.add(TcpCollective.address(s, "127.0.0.1"));
    }
    List<Callable<TcpCollective>> connects = new ArrayList<>();
    for (int r = 0; r < w; r++) {
      int rank = r;
      connects.add(
          () ->
              TcpCollective.connect(
                  rank,
                  addresses,
                  servers.get(rank),
                  42L,
                  Duration.ofSeconds(30),
                  abandoned.apply(rank),
                  sharedMemory));
    }
    return onThreads(connects);
  }

  /** Runs each call on its own thread and returns their results in order. */
  static <T> List<T> onThreads(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      List<Future<T>> running = new ArrayList<>();
      for (Callable<T> c : calls) {
        running.add(pool.submit(c));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : running) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
