package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.metrics.SweepMetrics;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What the driver knows about each run of a sweep: finished before this sweep started, pending,
 * running (its task keeps progress.json fresh), done, diverged or failed. It renders the progress
 * line, {@code sweep.json} and, through its {@link SweepKind}, the rows of the results table.
 *
 * @param <R> the sweep kind's planned run
 */
final class SweepState<R extends SweepRun> {
  private static final ObjectMapper JSON = Json.MAPPER;

  enum Status {
    PENDING,
    RUNNING,
    DONE,
    DIVERGED,
    FAILED;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One run as the driver tracks it. */
  static final class Entry<R> {
    final R run;
    Status status = Status.PENDING;
    boolean finishedEarlier;
    JsonNode result;
    String failure;
    int step;
    double tokensPerSecond;

    Entry(R run) {
      this.run = run;
    }
  }

  private final String sweep;
  private final SweepKind<R> kind;
  private final long startedMs = System.currentTimeMillis();
  private final String started = Instant.now().toString();
  private final Map<String, Entry<R>> entries = new LinkedHashMap<>();

  SweepState(String sweep, SweepKind<R> kind) {
    this.sweep = sweep;
    this.kind = kind;
    for (R r : kind.runs()) {
      entries.put(r.runId(), new Entry<>(r));
    }
  }

  /** Marks the runs whose result.json is already in the store. */
  synchronized void readFinished(ResultsStore store) {
    for (Entry<R> e : entries.values()) {
      Path result = new Path(e.run.runDir(), "result.json");
      if (store.exists(result)) {
        finish(e, store.readJson(result));
        e.finishedEarlier = true;
      }
    }
  }

  synchronized List<R> pending() {
    return entries.values().stream()
        .filter(e -> e.status == Status.PENDING)
        .map(e -> e.run)
        .toList();
  }

  synchronized void done(String runId, JsonNode result) {
    finish(entries.get(runId), result);
  }

  synchronized void failed(String runId, String why) {
    Entry<R> e = entries.get(runId);
    e.status = Status.FAILED;
    e.failure = why;
    e.tokensPerSecond = 0;
  }

  private static void finish(Entry<?> e, JsonNode result) {
    e.result = result;
    e.status = "diverged".equals(result.path("status").asText()) ? Status.DIVERGED : Status.DONE;
    e.step = result.path("steps").asInt();
    e.tokensPerSecond = 0;
  }

  /**
   * Reads the progress files of unfinished runs: a run counts as running once its task wrote
   * progress during this sweep.
   */
  synchronized void poll(ResultsStore store) {
    for (Entry<R> e : entries.values()) {
      if (e.status != Status.PENDING && e.status != Status.RUNNING) {
        continue;
      }
      Path p = new Path(e.run.runDir(), "progress.json");
      try {
        if (!store.exists(p)) {
          continue;
        }
        JsonNode n = store.readJson(p);
        if (n.path("updated_ms").asLong() < startedMs || n.path("finished").asBoolean()) {
          continue;
        }
        e.status = Status.RUNNING;
        e.step = n.path("step").asInt();
        e.tokensPerSecond = n.path("tokens_per_second").asDouble();
      } catch (RuntimeException unreadable) {
        // a progress file is advisory; the next poll reads it again
      }
    }
  }

  synchronized int count(Status s) {
    return (int) entries.values().stream().filter(e -> e.status == s).count();
  }

  synchronized int total() {
    return entries.size();
  }

  /** Tokens per second summed over the running runs. */
  synchronized double tokensPerSecond() {
    return entries.values().stream()
        .filter(e -> e.status == Status.RUNNING)
        .mapToDouble(e -> e.tokensPerSecond)
        .sum();
  }

  /** Seconds left at the current cluster throughput, or NaN before any run reported speed. */
  synchronized double etaSeconds() {
    double speed = tokensPerSecond();
    if (speed <= 0) {
      return Double.NaN;
    }
    double left = 0;
    for (Entry<R> e : entries.values()) {
      if (e.status == Status.PENDING || e.status == Status.RUNNING) {
        left += (double) Math.max(0, e.run.maxSteps() - e.step) * e.run.workPerStep();
      }
    }
    return left / speed;
  }

  /** Sets the sweep's Prometheus gauges. */
  synchronized void report(SweepMetrics gauges) {
    gauges.progress(
        count(Status.DONE) + count(Status.DIVERGED),
        count(Status.RUNNING),
        count(Status.FAILED),
        count(Status.PENDING),
        tokensPerSecond(),
        etaSeconds());
  }

  /** The driver's progress line. */
  synchronized String progressLine() {
    int done = count(Status.DONE) + count(Status.DIVERGED);
    double eta = etaSeconds();
    return String.format(
        Locale.ROOT,
        "%s %s: %d/%d runs done, %d running, %d failed, %d pending%s  %,.0f tok/s  ETA %s",
        kind.noun(),
        sweep,
        done,
        total(),
        count(Status.RUNNING),
        count(Status.FAILED),
        count(Status.PENDING),
        count(Status.DIVERGED) > 0 ? " (" + count(Status.DIVERGED) + " diverged)" : "",
        tokensPerSecond(),
        Double.isNaN(eta) ? "-" : formatSeconds(eta));
  }

  static String formatSeconds(double s) {
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60)
        : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
  }

  /** sweep.json: the sweep's status and one entry per run. */
  synchronized ObjectNode statusJson(String status) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", "sweep");
    o.put("sweep", sweep);
    o.put("status", status);
    kind.header(o);
    o.put("started", started);
    o.put("updated", Instant.now().toString());
    o.put("runs_total", total());
    o.put("runs_done", count(Status.DONE));
    o.put("runs_diverged", count(Status.DIVERGED));
    o.put("runs_running", count(Status.RUNNING));
    o.put("runs_failed", count(Status.FAILED));
    o.put("runs_pending", count(Status.PENDING));
    o.put("tokens_per_second", tokensPerSecond());
    double eta = etaSeconds();
    if (Double.isFinite(eta)) {
      o.put("eta_seconds", eta);
    } else {
      o.putNull("eta_seconds");
    }
    ArrayNode runs = o.putArray("runs");
    for (Entry<R> e : entries.values()) {
      ObjectNode r = runs.addObject();
      r.put("run_id", e.run.runId());
      e.run.describe(r);
      r.put("status", e.status.key());
      r.put("finished_earlier", e.finishedEarlier);
      r.put("step", e.step);
      r.put("max_steps", e.run.maxSteps());
      if (e.failure != null) {
        r.put("failure", e.failure);
      }
    }
    return o;
  }

  /** One row per run, in plan order; unfinished runs have their status and no losses. */
  synchronized List<Object[]> rows() {
    List<Object[]> rows = new ArrayList<>();
    for (Entry<R> e : entries.values()) {
      String reason = e.failure;
      if (e.result != null && e.result.hasNonNull("reason")) {
        reason = e.result.path("reason").asText();
      }
      rows.add(kind.row(e.run, e.status.key(), reason, e.step, e.result));
    }
    return rows;
  }

  synchronized List<String> failures() {
    List<String> out = new ArrayList<>();
    for (Entry<R> e : entries.values()) {
      if (e.status == Status.FAILED) {
        out.add(e.run.runId() + ": " + e.failure);
      }
    }
    return out;
  }

  synchronized int finishedEarlier() {
    return (int) entries.values().stream().filter(e -> e.finishedEarlier).count();
  }
}
