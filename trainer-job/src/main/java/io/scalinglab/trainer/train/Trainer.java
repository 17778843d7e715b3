package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import io.scalinglab.trainer.checkpoint.Checkpoints;
import io.scalinglab.trainer.checkpoint.Numerics;
import io.scalinglab.trainer.data.ShardData;
import io.scalinglab.trainer.data.TokenCache;
import io.scalinglab.trainer.data.TokenWindows;
import io.scalinglab.trainer.model.Dropout;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.model.LanguageModels;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import io.scalinglab.trainer.parallel.Collective;
import io.scalinglab.trainer.parallel.OptimizerShards;
import io.scalinglab.trainer.pretrained.Gpt2Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Trains one run, nanoGPT's {@code train.py} loop: micro-batches of random windows, gradient
 * accumulation, global-norm clipping, AdamW with warm-up and cosine decay, evaluation on fixed
 * validation batches, checkpoints, and a stop with a clear message when the loss or gradient stops
 * being finite. A run with a checkpoint resumes from it on the same trajectory, because every batch
 * is a function of (seed, step) and the optimizer state is saved.
 */
public final class Trainer {
  private static final ObjectMapper JSON = Json.MAPPER;

  private final ResultsStore store;
  private final RunSpec spec;
  private final Consumer<String> log;
  private final Listener listener;
  private final TokenCache cache;

  /** The data-parallel group this trainer is a member of, or null when it trains the run alone. */
  private final Collective group;

  /**
   * What a caller sees of a run while it trains: the sweep driver's progress file, Prometheus
   * gauges and the fault-injection hook hang here.
   */
  public interface Listener {
    /**
     * Called after every optimizer step, once the step's checkpoint (if it is a checkpoint step) is
     * written. An exception thrown here stops the run; its last checkpoint stays, so the run
     * resumes from it when started again.
     */
    default void step(StepStats stats) {}

    /** Called once the run's result.json is written. */
    default void finished(RunResult result) {}
  }

  /**
   * One optimizer step as a listener sees it.
   *
   * @param valLoss the validation loss if this step evaluated, else NaN
   * @param stepSeconds wall time of this step, evaluation and checkpoint included
   */
  public record StepStats(
      int step,
      int maxSteps,
      long tokensSeen,
      long tokensPerStep,
      double trainLoss,
      double valLoss,
      double lr,
      double gradNorm,
      double tokensPerSecond,
      double mfu,
      double stepSeconds) {}

  public Trainer(ResultsStore store, RunSpec spec, Consumer<String> log) {
    this(store, spec, log, new Listener() {});
  }

  /** A trainer that copies shards it maps to a {@link TokenCache#temporary()} cache. */
  public Trainer(ResultsStore store, RunSpec spec, Consumer<String> log, Listener listener) {
    this(store, spec, log, listener, TokenCache.temporary());
  }

  /**
   * A trainer that copies the shards it maps to {@code cache}, when the store is not the local
   * disk.
   */
  public Trainer(
      ResultsStore store, RunSpec spec, Consumer<String> log, Listener listener, TokenCache cache) {
    this(store, spec, log, listener, cache, null);
  }

  /**
   * A trainer that is member {@code group.rank()} of the {@code train.data-parallel} tasks training
   * the run together (null: alone). Every member trains the same steps on its part of each batch;
   * rank 0 alone writes the run's files and tells {@code listener}.
   */
  public Trainer(
      ResultsStore store,
      RunSpec spec,
      Consumer<String> log,
      Listener listener,
      TokenCache cache,
      Collective group) {
    this.group = group;
    this.store = requireNonNull(store, "store");
    this.spec = requireNonNull(spec, "spec");
    this.log = requireNonNull(log, "log");
    this.listener = requireNonNull(listener, "listener");
    this.cache = requireNonNull(cache, "cache");
  }

  /** Trains (or resumes, or returns the finished result of) the run. */
  public RunResult run() {
    RunHarness harness =
        new RunHarness(
            store,
            spec.runDir(),
            manifest(),
            spec.train(),
            spec.resolvedConfigJson(),
            listener,
            log,
            group == null || group.rank() == 0);
    Optional<RunResult> finished = harness.finished();
    if (finished.isPresent()) {
      return finished.get();
    }
    try {
      return train(harness);
    } finally {
      cache.release(spec.runId(), log);
    }
  }

  private RunResult train(RunHarness harness) {
    TrainSettings t = spec.train();
    GptConfig cfg = spec.model();
    harness.bindBackend();
    long start = System.nanoTime();
    // The training split is always mapped, whatever its size: the heap stays the same from a 1M-
    // token subset to all of OpenWebText, runs on one executor share the pages, and every run and
    // test goes through the path the largest runs take. Validation is small (0.05% of OpenWebText
    // is 4.5M tokens) and read whole into the heap unless it is too large for that.
    ShardData data = new ShardData(store, spec.datasetDir(), spec.datasetManifest(), log);
    ShardData.Split train =
        data.map(
            "train",
            spec.subsetTokens(),
            cache.folder(spec.runId(), spec.datasetManifest(), "train"));
    ShardData.Split val =
        data.open("val", Long.MAX_VALUE, cache.folder(spec.runId(), spec.datasetManifest(), "val"));
    TokenWindows windows =
        new TokenWindows(train.tokens(), train.tokens().length(), cfg.blockSize(), t.seed());
    List<TokenWindows.Batch> evalBatches =
        new TokenWindows(val.tokens(), val.tokens().length(), cfg.blockSize(), t.seed())
            .fixedBatches(t.evalBatches(), t.batchSize(), t.seed() + 1);

    LanguageModel gpt =
        LanguageModels.create(spec.engine(), cfg, t.seed(), t.threads(), spec.kernelOps(), group);
    String where =
        gpt instanceof GptKernel k && k.shards() > 1
            ? "CPU backend, each batch in " + k.shards() + " data-parallel shards of one thread"
            : Backends.describe();
    // members that share memory step the optimizer in shards: the parameters move there first
    OptimizerShards shards = group == null ? null : gpt.shardOptimizer();
    if (group != null) {
      where += ", data-parallel task " + group.rank() + " of " + group.size();
    }
    if (group != null && group.size() > 1) {
      where +=
          shards == null
              ? ", gradients summed over TCP"
              : ", gradients summed through shared memory, each task stepping "
                  + shards.owned().size()
                  + " of the "
                  + gpt.params().size()
                  + " parameters";
    }
    log.accept("run " + spec.runId() + " on the " + where);
    OptimConfig oc = spec.optim();
    AdamW opt =
        shards == null
            ? new AdamW(oc, gpt.params())
            : new AdamW(oc, gpt.params(), shards.moments());
    Progress p = harness.progress(Numerics.of(gpt, t.threads(), spec.dataParallel()));
    TrainLoop loop = harness.loop(oc);
    int step = harness.resume(loop, gpt::loadParams, opt, p);
    agreeOnStep(step);
    if (step == 0 && !spec.initFrom().isEmpty()) {
      Gpt2Weights.load(gpt, spec.initFrom(), store.hadoopConf(), log);
    }
    if (t.maxSteps() == 0 && step == 0) {
      // No steps: the initial weights (a pretrained checkpoint) become the run, evaluated and
      // saved as step 0, so eval and the id job read them as any other run's.
      p.evals.add(new double[] {0, evaluate(gpt, evalBatches)});
      if (harness.writer()) {
        Checkpoints.save(
            store, spec.runDir(), 0, gpt.params(), opt, p.state(), t.keepCheckpoints());
      }
    }
    long tokensPerStep = (long) t.batchSize() * t.gradAccum() * cfg.blockSize();
    long flopsPerToken =
        Flops.perToken(cfg.flopParams(), cfg.nLayer(), cfg.nHead(), cfg.headDim(), cfg.blockSize());
    TrainLoop.Model steps =
        new TrainLoop.Model() {
          @Override
          public Gpt.Step lossAndGradients(int n, int micro) {
            TokenWindows.Batch b = windows.batch(n, micro, t.batchSize());
            // dropout's masks, like the batch, are a function of (seed, step, micro-batch)
            return gpt.lossAndGradients(b.x(), b.y(), Dropout.seed(t.seed(), n, micro));
          }

          @Override
          public double validationLoss() {
            return evaluate(gpt, evalBatches);
          }

          @Override
          public OptimizerShards optimizerShards() {
            return shards;
          }
        };
    TrainLoop.Outcome o =
        loop.run(
            steps,
            gpt.params(),
            opt,
            p,
            step,
            start,
            new TrainLoop.Units(tokensPerStep, flopsPerToken, "loss", "tok/s"));
    String status = o.status();
    double tokPerSec = o.perSecond();
    if (status.equals("done") && harness.writer()) {
      ActivationCollector.collect(store, spec, gpt, val, log);
    }
    RunResult r =
        new RunResult(
            spec.runId(),
            status,
            o.reason(),
            o.step(),
            p.tokensSeen,
            cfg.totalParams(),
            cfg.nonEmbeddingParams(),
            spec.subsetTokens(),
            p.finalVal(),
            p.best,
            p.meanOfLowest(5),
            (System.nanoTime() - start) / 1e9,
            tokPerSec,
            Flops.mfu(tokPerSec, flopsPerToken, t.peakFlops()),
            p.evals,
            Regime.of(Regime.losses(p.evals), t.patience(), t.minDelta()));
    ObjectNode extra = JSON.createObjectNode();
    if (group != null) {
      Collective.Stats c = group.stats();
      ObjectNode dp = extra.putObject("data_parallel");
      dp.put("tasks", group.size());
      dp.put("gradient_sums", c.sums());
      dp.put("sum_seconds", c.sumNanos() / 1e9);
      dp.put("bytes_sent_per_sum", c.sums() == 0 ? 0 : c.bytesSent() / c.sums());
      dp.put("transport", c.transport());
    }
    return harness.finish(r, extra, p);
  }

  /**
   * Fails unless every member of the group resumes from the same step: a member that read another
   * checkpoint would train on other parameters, its gradients summed with the rest.
   */
  private void agreeOnStep(int step) {
    if (group == null) {
      return;
    }
    double[][] steps = group.gather(new double[] {step});
    for (int r = 0; r < steps.length; r++) {
      if (steps[r][0] != step) {
        throw new IllegalStateException(
            "data-parallel task "
                + r
                + " of run "
                + spec.runId()
                + " resumes from step "
                + (long) steps[r][0]
                + ", task "
                + group.rank()
                + " from step "
                + step
                + ": a checkpoint was written while they started; the stage's retry resumes them"
                + " together");
      }
    }
  }

  /** Mean loss over the fixed validation batches. */
  static double evaluate(LanguageModel gpt, List<TokenWindows.Batch> batches) {
    double sum = 0;
    for (TokenWindows.Batch b : batches) {
      sum += gpt.loss(b.x(), b.y());
    }
    return sum / batches.size();
  }

  /** This run's {@code manifest.json}: its data and model. */
  private RunManifest manifest() {
    ObjectNode model = spec.model().toJson();
    if (!spec.initFrom().isEmpty()) {
      model.put("init_from", spec.initFrom());
    }
    return RunManifest.corpus(
        spec.runId(),
        spec.model().totalParams(),
        model,
        spec.datasetDir().toString(),
        spec.subset(),
        spec.subsetTokens());
  }

  /**
   * The run's evaluation history and counters, saved in every checkpoint after its {@link #header}.
   */
  static final class Progress {
    /**
     * What every checkpoint records of how the run computes, ahead of its progress: {@code
     * numerics} ({@link Numerics}), the resolved {@code config} and its {@code provenance}.
     */
    final Map<String, Object> header = new LinkedHashMap<>();

    long tokensSeen;
    double best = Double.POSITIVE_INFINITY;
    final List<double[]> evals = new ArrayList<>();
    final List<double[]> rows = new ArrayList<>();

    /** Sets the {@link #header}: {@code numerics}, then {@code provenance} (config included). */
    void describe(Numerics numerics, Provenance provenance) {
      header.put("numerics", numerics.values());
      header.put("provenance", Json.MAPPER.valueToTree(provenance));
    }

    /** The numerics this attempt computes with, or null before {@link #describe}. */
    Numerics numerics() {
      @SuppressWarnings("unchecked")
      Map<String, Object> v = (Map<String, Object>) header.get("numerics");
      return v == null ? null : new Numerics(v);
    }

    Map<String, Object> state() {
      Map<String, Object> s = new LinkedHashMap<>(header);
      s.put("tokens_seen", tokensSeen);
      s.put("best_val_loss", best);
      List<List<Double>> ev = new ArrayList<>();
      evals.forEach(e -> ev.add(List.of(e[0], e[1])));
      s.put("evals", ev);
      List<List<Double>> rs = new ArrayList<>();
      rows.forEach(
          r -> {
            List<Double> l = new ArrayList<>();
            for (double d : r) {
              l.add(d);
            }
            rs.add(l);
          });
      s.put("rows", rs);
      return s;
    }

    void restore(Checkpoints.Loaded c) {
      tokensSeen = c.stateLong("tokens_seen");
      best = c.stateDouble("best_val_loss");
      JsonNode tree = JSON.valueToTree(c.state());
      for (JsonNode e : tree.path("evals")) {
        evals.add(new double[] {e.get(0).asDouble(), e.get(1).asDouble()});
      }
      for (JsonNode r : tree.path("rows")) {
        double[] row = new double[r.size()];
        for (int i = 0; i < row.length; i++) {
          row[i] = r.get(i).isNumber() ? r.get(i).asDouble() : Double.NaN;
        }
        rows.add(row);
      }
    }

    Double finalVal() {
      return evals.isEmpty() ? null : evals.get(evals.size() - 1)[1];
    }

    /** Mean of the k lowest validation losses: the paper's reported loss. */
    Double meanOfLowest(int k) {
      if (evals.isEmpty()) {
        return null;
      }
      return evals.stream().mapToDouble(e -> e[1]).sorted().limit(k).average().orElseThrow();
    }

    String metricsCsv() {
      StringBuilder b =
          new StringBuilder(
              "step,tokens,train_loss,val_loss,lr,grad_norm,tokens_per_s,elapsed_s\n");
      for (double[] r : rows) {
        b.append(
            String.format(
                Locale.ROOT,
                "%d,%d,%.6f,%s,%.6g,%.6g,%.1f,%.3f%n",
                (long) r[0],
                (long) r[1],
                r[2],
                Double.isNaN(r[3]) ? "" : String.format(Locale.ROOT, "%.6f", r[3]),
                r[4],
                r[5],
                r[6],
                r[7]));
      }
      return b.toString();
    }
  }

  /** The run's results as the JSON list of {step, val_loss} pairs. */
  static ArrayNode curve(List<double[]> evals) {
    ArrayNode a = JSON.createArrayNode();
    for (double[] e : evals) {
      ObjectNode o = a.addObject();
      o.put("step", (long) e[0]);
      o.put("val_loss", e[1]);
    }
    return a;
  }
}
