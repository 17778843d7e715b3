package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector ops' exponential and erf give the same bits interpreted as compiled: a resumed run
 * must repeat an uninterrupted one, and the JIT compiles at different moments in the two. This JVM
 * computes it after enough calls for the JIT to have compiled it; a child JVM with {@code -Xint}
 * (the interpreter only, where the Vector API runs its Java fallback) computes it again.
 */
class KernelOpsDeterminismTest {
  private static final int N = 4096;

  @Test
  void exponentialAndErfAreTheSameInterpretedAndCompiled()
      throws IOException, InterruptedException {
    long compiled = 0;
    for (int i = 0; i < 20_000; i++) {
      compiled = digest();
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Xint",
            "--add-modules=" + KernelOps.VECTOR_MODULE,
            "-cp",
            System.getProperty("java.class.path"),
            KernelOpsDeterminismTest.class.getName()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly();
    }
    assertEquals(0, child.exitValue(), out);
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals(
        Long.toString(compiled), last, "digest of exp and erf over " + N + " values, -Xint");
  }

  /** Prints {@link #digest()}: what the {@code -Xint} child runs. */
  public static void main(String[] args) {
    System.out.println(digest());
  }

  /**
   * A digest of the exact bits of {@link VectorKernelOps#exp} over fixed arguments in [−90, 90],
   * and of {@link VectorKernelOps#erf} over the same arguments scaled into [−4.5, 4.5].
   */
  private static long digest() {
    SplittableRandom rnd = new SplittableRandom(1);
    float[] xs = new float[N];
    for (int i = 0; i < N; i++) {
      xs[i] = (float) (-90 + 180 * rnd.nextDouble());
    }
    float[] out = new float[N];
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    for (int i = 0; i < N; i += lanes) {
      VectorKernelOps.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, xs, i))
          .intoArray(out, i);
    }
    long h = 17;
    for (float f : out) {
      h = 31 * h + Float.floatToRawIntBits(f);
    }
    for (int i = 0; i < N; i++) {
      xs[i] /= 20;
    }
    for (int i = 0; i < N; i += lanes) {
      VectorKernelOps.erf(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, xs, i))
          .intoArray(out, i);
    }
    for (float f : out) {
      h = 31 * h + Float.floatToRawIntBits(f);
    }
    return h;
  }
}
