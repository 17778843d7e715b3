package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.KeyedEnum;
import io.scalinglab.core.config.ModelEngine;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.model.LanguageModels;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.GradClip;
import io.scalinglab.trainer.optim.OptimConfig;
import io.scalinglab.trainer.train.Backends;
import io.scalinglab.trainer.train.Flops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code scalinglab bench train}: training speed of three model configs, each with 1 and 2 threads
 * ({@code train.threads}), side by side with the PyTorch peer (nanoGPT's model and loop) when its
 * script is given. A step is what training does: forward, backward, clipping and an AdamW update.
 */
final class TrainBench {
  static final String HELP =
      """
      usage: scalinglab bench train [--steps N] [--repeats R] [--peer peer_gpt.py] [--python PY]
                                    [--engines samediff,kernel] [--kernel-ops vector,nd4j]
                                    [--cases a,b,c] [--max-threads T] [--warmup-seconds S]

      Trains each config for R repeats of N steps after a warm-up (3 steps, and more until S
      seconds have passed, default 3: the JIT compiles while the first steps run), with 1 and 2
      threads (train.threads: the kernel's data-parallel shards, SameDiff's native threads), and
      prints the median tokens/s and MFU of each model engine (model.engine: the SameDiff
      graph, or the hand-written kernel). MFU is against this machine's peak as measured first:
      one thread's float32 1024^3 matrix product, times the threads of the figure.
        (a) 2 layers, 4 heads, width 128, block 64, batch 16, vocab 256
        (b) 4 layers, 4 heads, width 256, block 128, batch 8, vocab 256
        (c) as (a) with vocab 50,304
      --kernel-ops times the kernel once per named element-wise ops (vector: the JDK Vector API,
      what float32 training uses; nd4j: ND4J op chains); by default, once with the default.
      --peer runs the PyTorch reference script on the same configs and threads in the same run
      (needs PyTorch, e.g. Debian's python3-torch with --python /usr/bin/python3).
      """;

  /** The flags {@code bench train} reads, besides {@code --repeats}. */
  static final List<String> FLAGS =
      List.of(
          "--steps",
          "--peer",
          "--python",
          "--engines",
          "--kernel-ops",
          "--cases",
          "--max-threads",
          "--warmup-seconds");

  private record Case(String label, GptConfig config, int batch) {}

  /** A model engine and, for the kernel, the element-wise ops it runs ("" for the default). */
  private record Variant(ModelEngine engine, String ops) {
    String label() {
      return ops.isEmpty() ? engine.key() : engine.key() + "/" + ops;
    }
  }

  private TrainBench() {}

  static void run(Args args) {
    if (args.has("--help")) {
      System.out.print(HELP);
      return;
    }
    int steps = args.getInt("--steps", 10, 1);
    int repeats = args.getInt("--repeats", 3, 1);
    String peer = args.get("--peer", null);
    String python = args.get("--python", "python3");
    List<String> kernelOps = List.of(args.get("--kernel-ops", "").split(","));
    for (String o : kernelOps) {
      if (!List.of("", "vector", "nd4j").contains(o)) {
        throw new UsageException("'" + o + "' in --kernel-ops is invalid: use vector or nd4j");
      }
    }
    List<Variant> engines = new ArrayList<>();
    for (String e : args.get("--engines", "samediff,kernel").split(",")) {
      ModelEngine engine =
          KeyedEnum.find(ModelEngine.class, e)
              .orElseThrow(
                  () ->
                      new UsageException(
                          "'"
                              + e
                              + "' in --engines is invalid: "
                              + KeyedEnum.allowed(ModelEngine.class)));
      for (String o : engine == ModelEngine.KERNEL ? kernelOps : List.of("")) {
        engines.add(new Variant(engine, o));
      }
    }
    List<String> only =
        List.of(args.get("--cases", "").split(",")).stream().filter(x -> !x.isEmpty()).toList();
    int maxThreads = args.getInt("--max-threads", 2, 1);
    int warmupSeconds = args.getInt("--warmup-seconds", 3, 0);
    List<Case> cases =
        List.of(
            new Case("(a)", new GptConfig(2, 4, 128, 64, 256, false, true), 16),
            new Case("(b)", new GptConfig(4, 4, 256, 128, 256, false, true), 8),
            new Case("(c)", new GptConfig(2, 4, 128, 64, 50304, false, true), 16));
    Console.line(
        String.format(
            Locale.ROOT,
            "%d steps x %d repeats per figure after a warm-up of 3 steps and %d s; %d cores on"
                + " this machine",
            steps,
            repeats,
            warmupSeconds,
            Runtime.getRuntime().availableProcessors()));
    double peak = sgemmPeak();
    Console.line(
        String.format(
            Locale.ROOT,
            "peak for MFU: %.0f GFLOP/s per thread (float32 1024^3 matrix product, best of 10)",
            peak / 1e9));
    List<String> lines = new ArrayList<>();
    for (Case c : cases) {
      if (!only.isEmpty() && !only.contains(c.label.substring(1, 2))) {
        continue;
      }
      double[] theirs = new double[maxThreads];
      for (int threads = 1; threads <= maxThreads; threads++) {
        theirs[threads - 1] = peer == null ? Double.NaN : peer(python, peer, c, threads, steps);
      }
      for (Variant engine : engines) {
        double[] ours = new double[maxThreads];
        for (int threads = 1; threads <= maxThreads; threads++) {
          ours[threads - 1] = measure(c, engine, threads, steps, repeats, warmupSeconds);
          Console.line(
              String.format(
                  Locale.ROOT,
                  "%s %s %d thread(s): scalinglab %.0f tokens/s%s",
                  c.label,
                  engine.label(),
                  threads,
                  ours[threads - 1],
                  peer == null
                      ? ""
                      : String.format(Locale.ROOT, ", peer %.0f", theirs[threads - 1])));
        }
        lines.add(summary(c, engine, ours, theirs, peer != null, peak));
      }
    }
    Console.plain("");
    lines.forEach(Console::plain);
  }

  private static String summary(
      Case c, Variant engine, double[] ours, double[] theirs, boolean withPeer, double peak) {
    int bestAt = 0;
    for (int i = 1; i < ours.length; i++) {
      bestAt = ours[i] > ours[bestAt] ? i : bestAt;
    }
    double best = ours[bestAt];
    long flops =
        Flops.perToken(
            c.config.flopParams(),
            c.config.nLayer(),
            c.config.nHead(),
            c.config.headDim(),
            c.config.blockSize());
    double mfu = Flops.mfu(best, flops, peak * (bestAt + 1));
    double peerBest = Arrays.stream(theirs).max().orElseThrow();
    String peerPart =
        withPeer
            ? String.format(
                Locale.ROOT,
                " | peer PyTorch best %.0f %s | ratio %.2fx",
                peerBest,
                perThread(theirs),
                best / peerBest)
            : "";
    return String.format(
        Locale.ROOT,
        "%s %s, %d layers, %d heads, width %d, block %d, batch %d, vocab %d: %.0f tokens/s"
            + " %s; MFU %.1f%% of %d x %.0f GFLOP/s%s",
        c.label,
        engine.label(),
        c.config.nLayer(),
        c.config.nHead(),
        c.config.nEmbd(),
        c.config.blockSize(),
        c.batch,
        c.config.vocabSize(),
        best,
        perThread(ours),
        100 * mfu,
        bestAt + 1,
        peak / 1e9,
        peerPart);
  }

  /**
   * FLOP/s of this machine's float32 matrix product on one thread: the best of 10 products of 1024
   * × 1024 matrices. MFU's peak: a model's step cannot do better per thread.
   */
  static double sgemmPeak() {
    Backends.setThreads(1);
    int n = 1024;
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray out = Nd4j.create(DataType.FLOAT, n, n);
    double best = 0;
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, out, false, false, 1.0, 0.0);
      best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  /** "(1 thread X, 2 threads Y)". */
  private static String perThread(double[] tps) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < tps.length; i++) {
      parts.add(String.format(Locale.ROOT, "%d thread%s %.0f", i + 1, i == 0 ? "" : "s", tps[i]));
    }
    return "(" + String.join(", ", parts) + ")";
  }

  /** The engine's model, the kernel with the variant's element-wise ops. */
  private static LanguageModel create(Variant engine, GptConfig config, int threads) {
    ElementwiseOps ops =
        engine.ops().isEmpty() ? ElementwiseOps.AUTO : ElementwiseOps.parse(engine.ops());
    return LanguageModels.create(engine.engine(), config, 1, threads, ops);
  }

  /**
   * Median tokens/s of {@code repeats} timings of {@code steps} full training steps, after 3 steps
   * and at least {@code warmupSeconds} of warm-up.
   */
  private static double measure(
      Case c, Variant engine, int threads, int steps, int repeats, int warmupSeconds) {
    Backends.setThreads(threads);
    if (Backends.threads() != threads) {
      throw new IllegalStateException(
          "asked for " + threads + " native threads, ND4J uses " + Backends.threads());
    }
    LanguageModel gpt = create(engine, c.config, threads);
    AdamW opt = new AdamW(OptimConfig.nanoGptDefaults(), gpt.params());
    SplittableRandom rnd = new SplittableRandom(7);
    int n = c.batch * c.config.blockSize();
    int[] x = rnd.ints(n, 0, Math.min(256, c.config.vocabSize())).toArray();
    int[] y = rnd.ints(n, 0, Math.min(256, c.config.vocabSize())).toArray();
    Runnable step =
        () -> {
          Gpt.Step s = gpt.lossAndGradients(x, y);
          GradClip.clipGlobalNorm(s.grads(), 1.0);
          opt.step(s.grads(), 6e-4);
        };
    long warm = System.nanoTime();
    for (int i = 0; i < 3 || System.nanoTime() - warm < warmupSeconds * 1_000_000_000L; i++) {
      step.run();
    }
    double[] tps = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        step.run();
      }
      tps[r] = (double) steps * n / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(tps);
    return tps[repeats / 2];
  }

  private static double peer(String python, String script, Case c, int threads, int steps) {
    try {
      Path corpus = Files.createTempFile("scalinglab-bench", ".txt");
      byte[] text = new byte[1 << 20];
      new SplittableRandom(3).nextBytes(text);
      Files.write(corpus, text);
      List<String> cmd =
          List.of(
              python,
              script,
              "--layers",
              Integer.toString(c.config.nLayer()),
              "--heads",
              Integer.toString(c.config.nHead()),
              "--embd",
              Integer.toString(c.config.nEmbd()),
              "--block",
              Integer.toString(c.config.blockSize()),
              "--batch",
              Integer.toString(c.batch),
              "--steps",
              Integer.toString(3 * steps),
              "--warmup",
              "3",
              "--threads",
              Integer.toString(threads),
              "--vocab",
              Integer.toString(c.config.vocabSize()),
              "--corpus",
              corpus.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(l -> out.append(l).append('\n'));
      }
      p.waitFor();
      Files.deleteIfExists(corpus);
      Matcher m = Pattern.compile("tokens_per_s=([0-9.]+)").matcher(out);
      if (!m.find()) {
        throw new UsageException(
            "the peer script printed no tokens_per_s (is PyTorch installed for "
                + python
                + "?): "
                + out.toString().strip().lines().reduce((a, b) -> b).orElse(""));
      }
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UsageException("cannot run the peer " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException("interrupted while the peer ran");
    }
  }
}
