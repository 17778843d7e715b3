package io.scalinglab.trainer.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
