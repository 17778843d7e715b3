package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ActivationSidecar;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import io.scalinglab.trainer.checkpoint.Numerics;
import io.scalinglab.trainer.data.SampleBatches;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.RegressorConfig;
import io.scalinglab.trainer.model.TokenRegressor;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains one regression run ({@link RegressionRun}: a {@link TokenRegressor} on points and labels)
 * with the corpus trainer's recipe and store layout: epoch-shuffled minibatches ({@link
 * SampleBatches}), gradient accumulation, global-norm clipping, AdamW with warm-up and cosine
 * decay, evaluation of the mean squared error on the whole validation set, early stopping,
 * checkpoints, divergence stops, and {@link Trainer}'s {@code metrics.csv}, {@code result.json} and
 * listener, so the sweep tooling, the id job and the analysis read its runs as they read GPT runs.
 * Where the corpus trainer counts tokens this one counts samples: {@code tokens_seen} and {@code
 * train_tokens} hold samples, {@code tokens_per_second} samples per second.
 *
 * <p>After training it writes two activation files for the id job, both over the validation points:
 * {@code activations/h_pooled.npy}, the pooled final state the head reads (one row per point; layer
 * {@code n_layer}), and {@code activations/input.npy}, the points themselves (layer {@code input}),
 * so the intrinsic dimension of the data and of the representation are estimated side by side.
 */
public final class RegressionTrainer {
  private static final ObjectMapper JSON = Json.MAPPER;

  /** Validation points per forward pass. */
  private static final int EVAL_CHUNK = 1024;

  private final ResultsStore store;
  private final RegressionRun run;
  private final Consumer<String> log;
  private final Trainer.Listener listener;

  public RegressionTrainer(
      ResultsStore store, RegressionRun run, Consumer<String> log, Trainer.Listener listener) {
    this.store = requireNonNull(store, "store");
    this.run = requireNonNull(run, "run");
    this.log = requireNonNull(log, "log");
    this.listener = requireNonNull(listener, "listener");
  }

  /** Trains (or resumes, or returns the finished result of) the run. */
  public RunResult run() {
    RunHarness harness =
        new RunHarness(
            store,
            run.runDir(),
            manifest(),
            run.train(),
            run.resolvedConfigJson(),
            listener,
            log,
            true);
    Optional<RunResult> finished = harness.finished();
    if (finished.isPresent()) {
      return finished.get();
    }
    TrainSettings t = run.train();
    RegressorConfig cfg = run.model();
    harness.bindBackend();
    log.accept("run " + run.runId() + " on the " + Backends.describe());
    long start = System.nanoTime();
    TokenRegressor model = new TokenRegressor(cfg, t.seed());
    OptimConfig oc = run.optim();
    AdamW opt = new AdamW(oc, model.params());
    Trainer.Progress p = harness.progress(Numerics.ofThreads("regressor", t.threads()));
    TrainLoop loop = harness.loop(oc);
    int step = harness.resume(loop, model::loadParams, opt, p);
    SampleBatches batches = new SampleBatches(run.n(), t.seed());
    long samplesPerStep = (long) t.batchSize() * t.gradAccum();
    long flopsPerSample = flopsPerSample(cfg);
    TrainLoop.Model steps =
        new TrainLoop.Model() {
          @Override
          public Gpt.Step lossAndGradients(int n, int micro) {
            int[] idx = batches.batch(n, micro, t.gradAccum(), t.batchSize());
            TokenRegressor.Step s = model.lossAndGradients(rows(run.trainX(), idx), pick(idx));
            return new Gpt.Step(s.loss(), s.grads());
          }

          @Override
          public double validationLoss() {
            return evaluate(model, run.valX(), run.valY());
          }
        };
    TrainLoop.Outcome o =
        loop.run(
            steps,
            model.params(),
            opt,
            p,
            step,
            start,
            new TrainLoop.Units(samplesPerStep, flopsPerSample, "mse", "samples/s"));
    String status = o.status();
    double perSecond = o.perSecond();
    if (status.equals("done")) {
      collectActivations(model);
    }
    RunResult r =
        new RunResult(
            run.runId(),
            status,
            o.reason(),
            o.step(),
            p.tokensSeen,
            cfg.totalParams(),
            cfg.nonEmbeddingParams(),
            run.n(),
            p.finalVal(),
            p.best,
            p.meanOfLowest(5),
            (System.nanoTime() - start) / 1e9,
            perSecond,
            Flops.mfu(perSecond, flopsPerSample, t.peakFlops()),
            p.evals,
            Regime.of(Regime.losses(p.evals), t.patience(), t.minDelta()));
    ObjectNode extra = JSON.createObjectNode();
    extra.put("dataset", run.dataset());
    extra.set("data", run.describe().deepCopy());
    return harness.finish(r, extra, p);
  }

  /**
   * Training FLOPs per sample: the tokens of a point times {@link Flops#perToken} over every
   * parameter but the position embedding, which is added, not multiplied.
   */
  static long flopsPerSample(RegressorConfig c) {
    long params = c.totalParams() - (long) c.tokens() * c.nEmbd();
    return c.tokens()
        * Flops.perToken(params, c.nLayer(), c.nHead(), c.nEmbd() / c.nHead(), c.tokens());
  }

  /** Mean squared error over all validation points. */
  static double evaluate(TokenRegressor model, double[] x, double[] y) {
    int d = model.config().ambient();
    double sum = 0;
    for (int from = 0; from < y.length; from += EVAL_CHUNK) {
      int to = Math.min(y.length, from + EVAL_CHUNK);
      double[] pred = model.predict(Arrays.copyOfRange(x, from * d, to * d));
      for (int i = from; i < to; i++) {
        double e = pred[i - from] - y[i];
        sum += e * e;
      }
    }
    return sum / y.length;
  }

  private double[] rows(double[] x, int[] idx) {
    int d = run.model().ambient();
    double[] out = new double[idx.length * d];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(x, idx[i] * d, out, i * d, d);
    }
    return out;
  }

  private double[] pick(int[] idx) {
    double[] out = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = run.trainY()[idx[i]];
    }
    return out;
  }

  private void collectActivations(TokenRegressor model) {
    Path dir = new Path(run.runDir(), "activations");
    RegressorConfig c = run.model();
    int points = run.valY().length;
    int width = c.nEmbd();
    float[] pooled = new float[points * width];
    for (int from = 0; from < points; from += EVAL_CHUNK) {
      int to = Math.min(points, from + EVAL_CHUNK);
      INDArray h =
          model.hidden(
              Arrays.copyOfRange(run.valX(), from * c.ambient(), to * c.ambient()),
              TokenRegressor.POOLED);
      System.arraycopy(
          h.reshape(h.length()).toFloatVector(), 0, pooled, from * width, (to - from) * width);
    }
    float[] input = new float[run.valX().length];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) run.valX()[i];
    }
    writeActivations(dir, "h_pooled", JSON.getNodeFactory().numberNode(c.nLayer()), pooled, width);
    writeActivations(dir, "input", JSON.getNodeFactory().textNode("input"), input, c.ambient());
    log.accept(
        "collected "
            + points
            + " pooled states and input points of "
            + run.runId()
            + " for the ID job");
  }

  private void writeActivations(Path dir, String name, JsonNode layer, float[] values, int cols) {
    int rows = values.length / cols;
    store.writeAtomically(
        new Path(dir, name + ".npy"), out -> Npy.writeFloat32(out, values, rows, cols));
    ObjectNode side =
        new ActivationSidecar(
                ActivationSidecar.FORMAT_VERSION,
                run.runId(),
                layer,
                name,
                rows,
                cols,
                run.model().totalParams(),
                run.model().nonEmbeddingParams(),
                run.model().nLayer(),
                null,
                null,
                null)
            .withProvenance(
                Provenance.capture(
                    run.resolvedConfigJson(), Map.of("train.seed", run.train().seed())))
            .toJson();
    store.writeJson(new Path(dir, name + ".json"), side);
  }

  /** This run's {@code manifest.json}: its data and model. */
  private RunManifest manifest() {
    RegressorConfig c = run.model();
    ObjectNode model = JSON.createObjectNode();
    model.put("kind", "token-regressor");
    model.put("n_layer", c.nLayer());
    model.put("n_head", c.nHead());
    model.put("n_embd", c.nEmbd());
    model.put("ambient", c.ambient());
    model.put("token_width", c.tokenWidth());
    model.put("tokens", c.tokens());
    model.put("bias", c.bias());
    model.put("pooling", c.pooling().name().toLowerCase(Locale.ROOT));
    model.put("params_total", c.totalParams());
    model.put("params_non_embedding", c.nonEmbeddingParams());
    return RunManifest.testbed(
        run.runId(), c.totalParams(), model, run.dataset(), run.n(), run.describe().deepCopy());
  }
}
