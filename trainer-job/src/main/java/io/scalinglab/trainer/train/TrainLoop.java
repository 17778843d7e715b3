package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.StopRule;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.checkpoint.Checkpoints;
import io.scalinglab.trainer.checkpoint.Numerics;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.GradClip;
import io.scalinglab.trainer.optim.LrSchedule;
import io.scalinglab.trainer.optim.OptimConfig;
import io.scalinglab.trainer.parallel.OptimizerShards;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer loop {@link Trainer} and {@link RegressionTrainer} share, nanoGPT's: from a run's
 * first (or resumed) step to its last, the trainer's loss and gradients of each step, global-norm
 * clipping, the divergence check, AdamW at the scheduled rate, evaluation every {@code
 * eval-interval} steps, progress lines, checkpoints with the metrics so far, the listener, and the
 * stop once the validation loss has plateaued ({@code train.stop = converged}).
 */
final class TrainLoop {
  /** What a trainer gives the loop. */
  interface Model {
    /**
     * Mean loss and gradients of micro-batch {@code micro} of optimizer step {@code step}. The
     * gradients may be the model's own buffers, valid until the next call.
     */
    Gpt.Step lossAndGradients(int step, int micro);

    /** The loss on the run's validation data, as the model is now. */
    double validationLoss();

    /**
     * How a data-parallel member splits the optimizer step with its peers, or null when it steps
     * every parameter itself.
     */
    default OptimizerShards optimizerShards() {
      return null;
    }
  }

  /**
   * What a step trains on, for the speed figures: {@code perStep} tokens (or samples), {@code
   * flopsEach} training FLOPs each; the progress line calls the loss {@code lossName} and the speed
   * {@code rateName}.
   */
  record Units(long perStep, long flopsEach, String lossName, String rateName) {}

  /**
   * How the loop ended.
   *
   * @param status "done" or "diverged"
   * @param reason why it stopped before the last step, or null
   * @param perSecond tokens (or samples) per second over this process's steps
   */
  record Outcome(int step, String status, String reason, double perSecond) {}

  private final ResultsStore store;
  private final Path runDir;
  private final String runId;
  private final TrainSettings t;
  private final OptimConfig optim;
  private final Trainer.Listener listener;
  private final Consumer<String> log;

  /** False for a data-parallel member other than rank 0: it trains along and writes nothing. */
  private final boolean writer;

  TrainLoop(
      ResultsStore store,
      Path runDir,
      String runId,
      TrainSettings t,
      OptimConfig optim,
      Trainer.Listener listener,
      Consumer<String> log,
      boolean writer) {
    this.writer = writer;
    this.store = requireNonNull(store, "store");
    this.runDir = requireNonNull(runDir, "runDir");
    this.runId = requireNonNull(runId, "runId");
    this.t = requireNonNull(t, "t");
    this.optim = requireNonNull(optim, "optim");
    this.listener = requireNonNull(listener, "listener");
    this.log = requireNonNull(log, "log");
  }

  /**
   * Restores the parameters (through {@code loadParams}), the optimizer and the progress from the
   * run's latest checkpoint, if it has one.
   *
   * @return the step to go on from: the checkpoint's, or 0 for a run without one
   */
  int resume(Consumer<Map<String, INDArray>> loadParams, AdamW opt, Trainer.Progress p) {
    Optional<Checkpoints.Loaded> ckpt = Checkpoints.latest(store, runDir);
    if (ckpt.isEmpty()) {
      return 0;
    }
    Checkpoints.Loaded c = ckpt.get();
    Numerics now = p.numerics();
    if (now != null) {
      now.checkResume(c.state().get("numerics"), runId, c.step(), runDir);
    }
    loadParams.accept(c.params());
    opt.restore(c.adamStep(), c.m(), c.v());
    p.restore(c);
    log.accept("resuming " + runId + " from its checkpoint at step " + c.step());
    return c.step();
  }

  /**
   * What one optimizer step produced, handed to each {@link StepListener} in turn: evaluation fills
   * in {@link #valLoss}, the stop rule {@link #stopReason}.
   */
  static final class StepEnd {
    final int step;
    final double loss;
    final double lr;
    final double gradNorm;
    final double perSecond;
    final boolean last;
    double valLoss = Double.NaN;
    String stopReason;

    StepEnd(int step, double loss, double lr, double gradNorm, double perSecond, boolean last) {
      this.step = step;
      this.loss = loss;
      this.lr = lr;
      this.gradNorm = gradNorm;
      this.perSecond = perSecond;
      this.last = last;
    }
  }

  /** One concern of the loop, run after every optimizer step, in the order {@link #run} lists. */
  @FunctionalInterface
  interface StepListener {
    void after(StepEnd e);
  }

  /**
   * Trains from {@code step} to the last step, or to divergence, or (with {@code train.stop =
   * converged}) to the first evaluation after which the validation history has plateaued ({@link
   * Regime#plateaued}); writes the metrics at the end. The loop itself only steps the optimizer;
   * evaluation, the metrics rows, progress lines, the stop rule, checkpoints and the caller's
   * listener each run after every step as a {@link StepListener}, in that order.
   *
   * @param start when the run started in this process ({@link System#nanoTime}), for elapsed time
   */
  Outcome run(
      Model model,
      Map<String, INDArray> params,
      AdamW opt,
      Trainer.Progress p,
      int step,
      long start,
      Units units) {
    long loopStart = System.nanoTime();
    int firstStep = step;
    List<StepListener> listeners =
        List.of(
            evaluation(model, p),
            metricsRow(p, units, start),
            progressLine(units),
            stopRule(p),
            checkpoints(params, opt, p),
            caller(p, units));
    String status = "done";
    // A run that stopped by convergence but died before its result was written resumes here.
    String reason = convergedReason(p);
    OptimizerShards shards = model.optimizerShards();
    while (reason == null && step < t.maxSteps()) {
      double lr = LrSchedule.at(step, optim);
      Gpt.Step s = meanOverMicroBatches(model, step, t.gradAccum());
      Map<String, INDArray> grads = s.grads();
      double norm =
          shards == null
              ? GradClip.clipGlobalNorm(grads, t.gradClip())
              : shards.clipGlobalNorm(grads, t.gradClip());
      Optional<String> diverged = Divergence.check(s.loss(), norm, step, lr);
      if (diverged.isPresent()) {
        status = "diverged";
        reason = diverged.get();
        log.accept("run " + runId + " diverged: " + reason);
        break;
      }
      if (shards == null) {
        opt.step(grads, lr);
      } else {
        opt.step(grads, lr, shards.owned());
        shards.stepped();
      }
      step++;
      p.tokensSeen += units.perStep();
      double elapsed = (System.nanoTime() - loopStart) / 1e9;
      double perSecond = (step - firstStep) * units.perStep() / Math.max(elapsed, 1e-9);
      StepEnd e = new StepEnd(step, s.loss(), lr, norm, perSecond, step == t.maxSteps());
      for (StepListener l : listeners) {
        l.after(e);
      }
      if (e.stopReason != null) {
        reason = e.stopReason;
        log.accept(runId + " stops at step " + step + ", " + reason);
        break;
      }
    }
    if (status.equals("done") && reason == null && t.stop() == StopRule.CONVERGED) {
      log.accept(
          "WARNING run "
              + runId
              + " reached train.max-steps = "
              + t.maxSteps()
              + " with its validation loss still improving: raise train.max-steps to let it"
              + " converge");
    }
    double seconds = (System.nanoTime() - loopStart) / 1e9;
    if (writer) {
      store.writeString(new Path(runDir, "metrics.csv"), p.metricsCsv());
    }
    return new Outcome(
        step, status, reason, (step - firstStep) * units.perStep() / Math.max(seconds, 1e-9));
  }

  /** Evaluation every {@code train.eval-interval} steps and at the last. */
  private StepListener evaluation(Model model, Trainer.Progress p) {
    return e -> {
      if (e.step % t.evalInterval() == 0 || e.last) {
        e.valLoss = model.validationLoss();
        p.evals.add(new double[] {e.step, e.valLoss});
        p.best = Math.min(p.best, e.valLoss);
      }
    };
  }

  /** One row of {@code metrics.csv} per step. */
  private static StepListener metricsRow(Trainer.Progress p, Units units, long start) {
    return e ->
        p.rows.add(
            new double[] {
              e.step,
              p.tokensSeen,
              e.loss,
              e.valLoss,
              e.lr,
              e.gradNorm,
              e.perSecond,
              (System.nanoTime() - start) / 1e9
            });
  }

  /** A progress line every {@code train.log-interval} steps, at evaluations and at the last. */
  private StepListener progressLine(Units units) {
    return e -> {
      if (e.step % t.logInterval() == 0 || !Double.isNaN(e.valLoss) || e.last) {
        double eta = (t.maxSteps() - e.step) * units.perStep() / Math.max(e.perSecond, 1e-9);
        log.accept(
            String.format(
                Locale.ROOT,
                "%s step %d/%d  %s %.4f%s  lr %.2e  %,.0f %s  ETA %.0f s",
                runId,
                e.step,
                t.maxSteps(),
                units.lossName(),
                e.loss,
                Double.isNaN(e.valLoss) ? "" : String.format(Locale.ROOT, "  val %.4f", e.valLoss),
                e.lr,
                e.perSecond,
                units.rateName(),
                eta));
      }
    };
  }

  /** {@code train.stop = converged}: stop after the evaluation at which the history plateaus. */
  private StepListener stopRule(Trainer.Progress p) {
    return e -> {
      if (!Double.isNaN(e.valLoss)) {
        e.stopReason = convergedReason(p);
      }
    };
  }

  /**
   * A checkpoint (with the metrics so far) every {@code train.checkpoint-interval} steps, at the
   * last step and where the run stops.
   */
  private StepListener checkpoints(Map<String, INDArray> params, AdamW opt, Trainer.Progress p) {
    return e -> {
      if (!writer) {
        return;
      }
      if (e.step % t.checkpointInterval() == 0 || e.last || e.stopReason != null) {
        Checkpoints.save(store, runDir, e.step, params, opt, p.state(), t.keepCheckpoints());
        store.writeString(new Path(runDir, "metrics.csv"), p.metricsCsv());
      }
    };
  }

  /** The caller's {@link Trainer.Listener}, once the step's checkpoint is written. */
  private StepListener caller(Trainer.Progress p, Units units) {
    long[] stepStart = {System.nanoTime()};
    if (!writer) {
      return e -> {};
    }
    return e -> {
      long now = System.nanoTime();
      listener.step(
          new Trainer.StepStats(
              e.step,
              t.maxSteps(),
              p.tokensSeen,
              units.perStep(),
              e.loss,
              e.valLoss,
              e.lr,
              e.gradNorm,
              e.perSecond,
              Flops.mfu(e.perSecond, units.flopsEach(), t.peakFlops()),
              (now - stepStart[0]) / 1e9));
      stepStart[0] = now;
    };
  }

  /**
   * Why the run stops by {@code train.stop = converged} with the validation history it has, or null
   * if it goes on (another stop rule, or a history that has not plateaued).
   */
  private String convergedReason(Trainer.Progress p) {
    if (t.stop() != StopRule.CONVERGED
        || !Regime.plateaued(Regime.losses(p.evals), t.patience(), t.minDelta())) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "converged: the last %d evaluations did not improve the best validation loss %.4f by more"
            + " than train.min-delta = %s",
        t.patience(),
        p.best,
        t.minDelta());
  }

  /**
   * Mean loss and gradients of optimizer step {@code step} over its {@code parts} micro-batches
   * ({@code train.grad-accum}): the gradients' sum, divided once at the end.
   */
  static Gpt.Step meanOverMicroBatches(Model model, int step, int parts) {
    if (parts == 1) {
      return model.lossAndGradients(step, 0);
    }
    Map<String, INDArray> sum = new LinkedHashMap<>();
    double loss = 0;
    for (int micro = 0; micro < parts; micro++) {
      Gpt.Step s = model.lossAndGradients(step, micro);
      loss += s.loss() / parts;
      for (Map.Entry<String, INDArray> g : s.grads().entrySet()) {
        INDArray into = sum.get(g.getKey());
        if (into == null) {
          sum.put(g.getKey(), g.getValue().dup());
        } else {
          into.addi(g.getValue());
        }
      }
    }
    for (INDArray g : sum.values()) {
      g.divi(parts);
    }
    return new Gpt.Step(loss, sum);
  }
}
