package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench prepare-load}: the prepare stage over one corpus listed many times, until
 * about a gigabyte of tokens is written, with its throughput and the heap and resident memory it
 * peaked at. The heap is this JVM's fixed {@code -Xmx}: prepare must stream through it.
 */
final class PrepareLoadBench {
  static final String HELP =
      """
      usage: scalinglab bench prepare-load [--gigabytes G | --tokens N] [--dir DIR]
                                           [--config DATASET.conf] [--set KEY=VALUE]...

      Prepares one input file listed K times (hard links in DIR/bench/prepare-load, one per copy)
      so that the shards hold about G GB of tokens (default 1; 2 bytes per token, so 1 GB is
      500 million tokens), or N tokens, on local[2]; K is N divided by the tokens one copy gives,
      rounded up, which a count of one copy finds first. The default input is the demo's Europarl
      corpus, decompressed, with its byte tokenizer; --config names another one-file dataset.
      Prints the input MB/s and tokens/s of the whole prepare stage (read, tokenize, sort, write),
      and the memory it peaked at:
        heap          peak of the heap in use, sampled every 20 ms, against this JVM's -Xmx
                      (bin/scalinglab: SCALINGLAB_HEAP, default 6g)
        heap pools    sum of each heap pool's own peak (MemoryPoolMXBean), an upper bound
        RSS           the process's peak resident memory, VmHWM of /proc/self/status (Linux)
      The last line, starting "prepare-load:", holds every figure as key=value. The store under
      DIR (default scalinglab-bench) is deleted afterwards.
      """;

  private PrepareLoadBench() {}

  static void run(Args args) {
    Path dir = Path.of(args.get("--dir", "scalinglab-bench")).toAbsolutePath().normalize();
    long target = targetTokens(args);
    ScalinglabConfig one = BenchInput.dataset(args, dir, List.of("spark.master=\"local[2]\""), 1);
    Path file = BenchInput.singleLocalFile(one, "prepare-load");
    SparkSession spark = SparkSessions.getOrCreate(one.spark());
    try {
      long perCopy =
          PrepareJob.countTokens(spark, one, spark.sparkContext().hadoopConfiguration()).tokens();
      int copies = (int) Math.max(1, (target + perCopy - 1) / perCopy);
      Path links = links(dir.resolve("bench").resolve("prepare-load"), file, copies);
      Path store = dir.resolve("bench-store-" + System.nanoTime());
      ScalinglabConfig config =
          one.withOverrides(
              List.of(
                  "store.root=" + JobOptions.quote(store.toUri().toString()),
                  "dataset.source.paths=[" + JobOptions.quote(links.toUri().toString()) + "]"));
      long inputBytes = copies * sizeOf(file);
      Console.line(
          String.format(
              Locale.ROOT,
              "%s x %d = %.1f MB of input for ~%,d tokens (%,d per copy) on local[2], heap -Xmx"
                  + " %d MB; %d cores on this machine",
              file.getFileName(),
              copies,
              inputBytes / 1e6,
              copies * perCopy,
              perCopy,
              Runtime.getRuntime().maxMemory() >> 20,
              Runtime.getRuntime().availableProcessors()));
      try (HeapPeak heap = HeapPeak.start()) {
        long t0 = System.nanoTime();
        PrepareResult r =
            PrepareJob.run(
                spark,
                config,
                ResultsStore.open(
                    config.store().root(), spark.sparkContext().hadoopConfiguration()),
                line -> {});
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = r.trainTokens() + r.valTokens();
        Figures f =
            new Figures(
                copies,
                inputBytes,
                tokens,
                seconds,
                heap.peak(),
                HeapPeak.poolPeaks(),
                Runtime.getRuntime().maxMemory(),
                vmHwmBytes());
        Console.plain("");
        Console.plain(f.line());
      } finally {
        DemoCorpora.deleteTree(store);
        DemoCorpora.deleteTree(links);
      }
    } finally {
      spark.stop();
    }
  }

  static long targetTokens(Args args) {
    if (args.has("--tokens") && args.has("--gigabytes")) {
      throw new UsageException("give --gigabytes or --tokens, not both");
    }
    if (args.has("--tokens")) {
      return args.getInt("--tokens", 0, 1);
    }
    String g = args.get("--gigabytes", "1");
    double gb;
    try {
      gb = Double.parseDouble(g.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("'" + g + "' in --gigabytes is invalid: expected a number");
    }
    if (!(gb > 0) || gb > 1000) {
      throw new UsageException("'" + g + "' in --gigabytes is invalid: must be in (0, 1000]");
    }
    return (long) Math.ceil(gb * 1e9 / 2);
  }

  /**
   * A folder of {@code copies} hard links to {@code file} (symbolic links where hard ones fail).
   */
  private static Path links(Path folder, Path file, int copies) {
    DemoCorpora.deleteTree(folder);
    try {
      Files.createDirectories(folder);
      String name = file.getFileName().toString();
      for (int i = 0; i < copies; i++) {
        Path link = folder.resolve(String.format(Locale.ROOT, "copy-%05d-%s", i, name));
        try {
          Files.createLink(link, file);
        } catch (IOException | UnsupportedOperationException e) {
          Files.createSymbolicLink(link, file);
        }
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link the bench input into " + folder, e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** VmHWM of /proc/self/status in bytes: the peak resident set; -1 where there is none. */
  static long vmHwmBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return -1;
  }

  /** What one prepare-load run measured. */
  record Figures(
      int copies,
      long inputBytes,
      long tokens,
      double seconds,
      long heapPeak,
      long heapPoolPeaks,
      long heapMax,
      long rssPeak) {
    String line() {
      return String.format(
          Locale.ROOT,
          "prepare-load: copies=%d input_mb=%.1f tokens=%d token_mb=%.1f seconds=%.2f"
              + " input_mb_per_s=%.2f tokens_per_s=%.0f heap_peak_mb=%d heap_pool_peaks_mb=%d"
              + " heap_max_mb=%d rss_peak_mb=%d",
          copies,
          inputBytes / 1e6,
          tokens,
          tokens * 2 / 1e6,
          seconds,
          inputBytes / 1e6 / seconds,
          tokens / seconds,
          heapPeak >> 20,
          heapPoolPeaks >> 20,
          heapMax >> 20,
          rssPeak < 0 ? -1 : rssPeak >> 20);
    }
  }

  /** Samples the heap in use every 20 ms; the pools' own peaks are reset at the start. */
  private static final class HeapPeak implements AutoCloseable {
    private final ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heap-peak");
              t.setDaemon(true);
              return t;
            });
    private final AtomicLong peak = new AtomicLong();

    static HeapPeak start() {
      heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
      HeapPeak h = new HeapPeak();
      h.sampler.scheduleAtFixedRate(h::sample, 0, 20, TimeUnit.MILLISECONDS);
      return h;
    }

    private void sample() {
      long used = 0;
      for (MemoryPoolMXBean p : heapPools()) {
        used += p.getUsage().getUsed();
      }
      peak.accumulateAndGet(used, Math::max);
    }

    long peak() {
      sample();
      return peak.get();
    }

    static long poolPeaks() {
      long sum = 0;
      for (MemoryPoolMXBean p : heapPools()) {
        sum += p.getPeakUsage().getUsed();
      }
      return sum;
    }

    private static List<MemoryPoolMXBean> heapPools() {
      List<MemoryPoolMXBean> heap = new ArrayList<>();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP && p.isValid()) {
          heap.add(p);
        }
      }
      return heap;
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }
}
