package io.scalinglab.trainer.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TcpCollectiveTest {
  @Test
  void aSumIsTheLeftToRightSumInRankOrderOnEveryMember() throws Exception {
    for (int w : new int[] {2, 3}) {
      int n = 100_003; // not a multiple of w: the last segment is larger
      float[][] v = new float[w][n];
      SplittableRandom rnd = new SplittableRandom(w);
      for (float[] member : v) {
        for (int i = 0; i < n; i++) {
          member[i] = (float) rnd.nextGaussian() * (float) Math.pow(10, rnd.nextInt(-3, 4));
        }
      }
      float[] expected = new float[n];
      for (int i = 0; i < n; i++) {
        float s = v[0][i];
        for (int r = 1; r < w; r++) {
          s += v[r][i];
        }
        expected[i] = s;
      }
      List<TcpCollective> members = Members.connect(w, r -> () -> false);
      List<Callable<float[]>> sums = new ArrayList<>();
      for (TcpCollective m : members) {
        sums.add(
            () -> {
              float[] out = new float[n];
              for (int repeat = 0; repeat < 2; repeat++) { // buffers are reused
                ByteBuffer b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
                b.asFloatBuffer().put(v[m.rank()]);
                m.sumFloats(b);
                b.asFloatBuffer().get(out);
              }
              double[][] all = m.gather(new double[] {m.rank() + 0.5, -m.rank()});
              for (int r = 0; r < w; r++) {
                assertArrayEquals(new double[] {r + 0.5, -r}, all[r]);
              }
              return out;
            });
      }
      for (float[] got : Members.onThreads(sums)) {
        assertArrayEquals(expected, got, "w = " + w + ": bit for bit, on every member");
      }
      Collective.Stats s = members.get(0).stats();
      assertEquals(2, s.sums());
      // member 0 sends its segment 1..w-1 and then its summed segment 0 to each peer
      assertEquals(2L * 4 * (n - n / w) + 2L * 4 * (n / w) * (w - 1), s.bytesSent());
      members.forEach(TcpCollective::close);
    }
  }

  @Test
  void aMemberWhosePeerIsGoneFailsInsteadOfWaiting() throws Exception {
    List<TcpCollective> members = Members.connect(2, r -> () -> false);
    members.get(1).close();
    ByteBuffer b = ByteBuffer.allocateDirect(4 * 1000).order(ByteOrder.nativeOrder());
    Collective.CollectiveException e =
        assertThrows(Collective.CollectiveException.class, () -> members.get(0).sumFloats(b));
    assertTrue(e.getMessage().contains("rank 0 of 2"), e.getMessage());
    assertTrue(e.getMessage().contains("a peer is gone"), e.getMessage());
    assertTrue(e.getMessage().contains("resumes from its last checkpoint"), e.getMessage());
  }

  @Test
  void aKilledMemberClosesItsConnectionsSoItsPeersFailToo() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    List<TcpCollective> members = Members.connect(2, r -> r == 1 ? killed::get : () -> false);
    ByteBuffer b = ByteBuffer.allocateDirect(4 * 1000).order(ByteOrder.nativeOrder());
    killed.set(true); // Spark's kill flag, as BarrierTaskContext.isInterrupted reports it
    long t0 = System.nanoTime();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                Members.onThreads(
                    List.<Callable<Object>>of(
                        () -> {
                          members.get(0).sumFloats(b);
                          return null;
                        })));
    assertTrue(e.getCause() instanceof Collective.CollectiveException, e.toString());
    assertTrue((System.nanoTime() - t0) / 1e9 < 5, "failed within the watch interval");
    members.get(0).close();
  }

  @Test
  void throughSharedMemoryASumIsTheRankOrderSumOfTheWeightedGradients() throws Exception {
    long[] sizes = {100, 3, 50_000, 7, 49_001};
    int n = 99_111;
    Set<String> before = shmFiles();
    for (int w : new int[] {2, 3}) {
      float[][] v = new float[w][n];
      SplittableRandom rnd = new SplittableRandom(w);
      for (float[] member : v) {
        for (int i = 0; i < n; i++) {
          member[i] = (float) rnd.nextGaussian() * (float) Math.pow(10, rnd.nextInt(-3, 4));
        }
      }
      float[] weights = {0.375f, 0.25f, 0.375f};
      float[] expected = new float[n];
      for (int i = 0; i < n; i++) {
        float s = weights[0] * v[0][i];
        for (int r = 1; r < w; r++) {
          s += weights[r] * v[r][i];
        }
        expected[i] = s;
      }
      List<TcpCollective> members = Members.connect(w, r -> () -> false);
      List<Callable<Object[]>> sums = new ArrayList<>();
      for (TcpCollective m : members) {
        sums.add(
            () -> {
              Collective.SharedSum shared = m.share(sizes);
              float[] out = new float[n];
              double loss = 0;
              for (int repeat = 0; repeat < 2; repeat++) { // the memory is reused
                shared.acquire();
                shared.gradients().asFloatBuffer().put(v[m.rank()]);
                loss = shared.sum(weights[m.rank()], m.rank() + 0.5);
                shared.gradients().asFloatBuffer().get(out);
              }
              return new Object[] {out, loss};
            });
      }
      double losses = 0;
      for (int r = 0; r < w; r++) {
        losses += r + 0.5;
      }
      for (Object[] got : Members.onThreads(sums)) {
        assertArrayEquals(expected, (float[]) got[0], "w = " + w + ": bit for bit, everywhere");
        assertEquals(losses, (double) got[1]);
      }
      assertEquals("shared-memory", members.get(0).stats().transport());
      assertEquals(2, members.get(0).stats().sums());
      members.forEach(TcpCollective::close);
    }
    assertEquals(before, shmFiles(), "every file in /dev/shm unlinked once mapped");
  }

  @Test
  void membersOnTwoHostsOrToldToUseTcpDoNotShareMemory() throws Exception {
    for (boolean twoHosts : new boolean[] {true, false}) {
      List<ServerSocketChannel> servers = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        ServerSocketChannel server = TcpCollective.listen("127.0.0.1");
        servers.add(server);
        // "localhost" reaches the same socket, but names another host as far as sharing goes
        addresses.add(
            TcpCollective.address(server, twoHosts && r == 1 ? "localhost" : "127.0.0.1"));
      }
      List<Callable<Collective.SharedSum>> shares = new ArrayList<>();
      List<TcpCollective> members = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        shares.add(
            () -> {
              TcpCollective c =
                  TcpCollective.connect(
                      rank,
                      addresses,
                      servers.get(rank),
                      7L,
                      Duration.ofSeconds(30),
                      () -> false,
                      twoHosts);
              synchronized (members) {
                members.add(c);
              }
              return c.share(new long[] {10, 20});
            });
      }
      for (Collective.SharedSum s : Members.onThreads(shares)) {
        assertNull(s, twoHosts ? "two hosts" : "TCP asked for");
      }
      for (TcpCollective c : members) {
        assertEquals("tcp", c.stats().transport());
        c.close();
      }
    }
  }

  @Test
  void aSharedMemberWhosePeerIsGoneFailsInsteadOfWaiting() throws Exception {
    List<TcpCollective> members = Members.connect(2, r -> () -> false);
    List<Collective.SharedSum> shared =
        Members.onThreads(
            List.<Callable<Collective.SharedSum>>of(
                () -> members.get(0).share(new long[] {1000}),
                () -> members.get(1).share(new long[] {1000})));
    members.get(1).close();
    Collective.CollectiveException e =
        assertThrows(Collective.CollectiveException.class, () -> shared.get(0).sum(0.5f, 1.0));
    assertTrue(e.getMessage().contains("through shared memory"), e.getMessage());
    assertTrue(e.getMessage().contains("a peer is gone"), e.getMessage());
  }

  @Test
  void theSegmentsAreCutAtTheParameterBoundaryNearestAnEqualShare() {
    assertArrayEquals(new int[] {0, 2, 4}, SharedMemorySum.cuts(new long[] {10, 10, 10, 10}, 2));
    assertArrayEquals(new int[] {0, 1, 3}, SharedMemorySum.cuts(new long[] {100, 1, 1}, 2));
    assertArrayEquals(new int[] {0, 2, 3}, SharedMemorySum.cuts(new long[] {30, 25, 50}, 2));
    // one parameter is most of the model: a member may step none
    assertArrayEquals(new int[] {0, 0, 1, 1}, SharedMemorySum.cuts(new long[] {1000}, 3));
  }

  private static Set<String> shmFiles() throws IOException {
    if (!Files.isDirectory(SharedMemorySum.DIR)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(SharedMemorySum.DIR)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.startsWith("scalinglab-"))
          .collect(Collectors.toSet());
    }
  }
}
