package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one run produced: status ({@code done} or {@code diverged}, with the reason), steps and
 * tokens, parameter counts, final, best and mean-of-5-lowest validation loss (the paper's reported
 * value), the validation curve, wall time, throughput and MFU, and whether the run measured what
 * its axis needs: {@link #epochs}, {@link #tokensPerParam} and its {@link Regime} (null in a result
 * written before regimes were recorded).
 */
public record RunResult(
    String runId,
    String status,
    String reason,
    int steps,
    long tokensSeen,
    long paramsTotal,
    long paramsNonEmbedding,
    long subsetTokens,
    Double finalValLoss,
    double bestValLoss,
    Double valLossMean5,
    double wallSeconds,
    double tokensPerSecond,
    double mfu,
    List<double[]> curve,
    Regime regime) {

  private static final ObjectMapper JSON = Json.MAPPER;

  /** The layout version of result.json; raise it when an old reader would misread one. */
  public static final int FORMAT_VERSION = 1;

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", "run_result");
    o.put("format_version", FORMAT_VERSION);
    o.put("run_id", runId);
    o.put("status", status);
    if (reason != null) {
      o.put("reason", reason);
    }
    o.put("steps", steps);
    o.put("tokens_seen", tokensSeen);
    o.put("params_total", paramsTotal);
    o.put("params_non_embedding", paramsNonEmbedding);
    o.put("train_tokens", subsetTokens);
    putNullable(o, "val_loss_final", finalValLoss);
    putNullable(o, "val_loss_best", Double.isFinite(bestValLoss) ? bestValLoss : null);
    putNullable(o, "val_loss_mean5", valLossMean5);
    o.put("wall_seconds", wallSeconds);
    o.put("tokens_per_second", tokensPerSecond);
    o.put("mfu", mfu);
    o.put("epochs", epochs());
    o.put("tokens_per_param", tokensPerParam());
    if (regime == null) {
      o.putNull("regime");
    } else {
      o.put("regime", regime.key());
    }
    o.set("curve", Trainer.curve(curve));
    return o;
  }

  /** Times the run saw its subset: tokens trained / tokens in the subset. */
  public double epochs() {
    return subsetTokens > 0 ? (double) tokensSeen / subsetTokens : Double.NaN;
  }

  /** Tokens trained per parameter: tokens trained / total parameters (embeddings included). */
  public double tokensPerParam() {
    return paramsTotal > 0 ? (double) tokensSeen / paramsTotal : Double.NaN;
  }

  private static void putNullable(ObjectNode o, String key, Double v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  public static RunResult fromJson(JsonNode n) {
    int version = n.path("format_version").asInt(0);
    if (version > FORMAT_VERSION) {
      throw new InputException(
          "result.json of run "
              + n.path("run_id").asText()
              + " was written in format "
              + version
              + ", this build reads "
              + FORMAT_VERSION
              + ". Use the scalinglab version that trained it, or a newer one");
    }
    List<double[]> curve = new ArrayList<>();
    for (JsonNode e : n.path("curve")) {
      curve.add(new double[] {e.path("step").asDouble(), e.path("val_loss").asDouble()});
    }
    return new RunResult(
        n.path("run_id").asText(),
        n.path("status").asText(),
        n.hasNonNull("reason") ? n.path("reason").asText() : null,
        n.path("steps").asInt(),
        n.path("tokens_seen").asLong(),
        n.path("params_total").asLong(),
        n.path("params_non_embedding").asLong(),
        n.path("train_tokens").asLong(),
        n.hasNonNull("val_loss_final") ? n.path("val_loss_final").asDouble() : null,
        n.hasNonNull("val_loss_best") ? n.path("val_loss_best").asDouble() : Double.NaN,
        n.hasNonNull("val_loss_mean5") ? n.path("val_loss_mean5").asDouble() : null,
        n.path("wall_seconds").asDouble(),
        n.path("tokens_per_second").asDouble(),
        n.path("mfu").asDouble(),
        curve,
        n.hasNonNull("regime") ? Regime.parse(n.path("regime").asText()) : null);
  }

  /** One line for the console. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%s %s after %d steps, %,d tokens (%.2f epochs, %.1f tokens/param): val loss final %s,"
            + " best %s, mean of 5 lowest %s, %s; %.0f s, %,.0f tokens/s, MFU %.1f%%%s",
        runId,
        status,
        steps,
        tokensSeen,
        epochs(),
        tokensPerParam(),
        fmt(finalValLoss),
        fmt(Double.isFinite(bestValLoss) ? bestValLoss : null),
        fmt(valLossMean5),
        regime == null ? "regime unknown" : regime.key(),
        wallSeconds,
        tokensPerSecond,
        100 * mfu,
        reason == null ? "" : " (" + reason + ")");
  }

  private static String fmt(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
  }
}
