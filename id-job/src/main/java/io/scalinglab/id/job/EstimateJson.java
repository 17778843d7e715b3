package io.scalinglab.id.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.id.estimate.Bootstrap.Interval;
import io.scalinglab.id.knn.Neighbours.KnnStats;
import io.scalinglab.id.protocol.IdEstimate;
import io.scalinglab.id.protocol.IdEstimate.Batches;
import io.scalinglab.id.protocol.IdEstimate.Convergence;
import io.scalinglab.id.protocol.IdEstimate.KPoint;
import io.scalinglab.id.protocol.IdEstimate.NPoint;

/**
 * An {@link IdEstimate} as JSON with snake_case keys, the form {@code id/<run-id>.json} and {@code
 * scalinglab id --json} use: {@code id}, {@code estimator}, {@code k}, {@code metric}, {@code
 * protocol}, {@code n}, {@code dim} first, then the interval, the k sweep, the n sweep ({@code
 * n_sweep}: the estimate on nested subsamples, points per batch for the paper protocol) with its
 * verdict ({@code levelled_off}, {@code last_doubling_change}, {@code levelled_off_tolerance}; null
 * without an n/2 point), the batches, what the input held and how the search went.
 */
public final class EstimateJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private EstimateJson() {}

  /** The estimate as a JSON object. */
  public static ObjectNode of(IdEstimate e) {
    ObjectNode o = F.objectNode();
    o.put("id", e.id());
    o.put("estimator", e.estimator().key());
    o.put("k", e.k());
    o.put("metric", e.metric().key());
    o.put("protocol", e.protocol().key());
    o.put("n", e.n());
    o.put("dim", e.dim());
    o.put("combine", e.combine().key());
    o.put("unbiased", e.unbiased());
    if (e.interval().isPresent()) {
      Interval i = e.interval().get();
      ObjectNode in = o.putObject("interval");
      in.put("low", i.low());
      in.put("high", i.high());
      in.put("confidence", i.confidence());
      in.put("method", "percentile bootstrap over points");
      in.put("resamples", i.resamples());
      in.put("seed", i.seed());
    } else {
      o.putNull("interval");
    }
    if (!e.kSweep().isEmpty()) {
      ArrayNode sweep = o.putArray("k_sweep");
      for (KPoint p : e.kSweep()) {
        sweep.addObject().put("k", p.k()).put("id", p.id());
      }
    }
    ArrayNode nSweep = o.putArray("n_sweep");
    for (NPoint p : e.nSweep()) {
      nSweep.addObject().put("n", p.n()).put("id", p.id());
    }
    if (e.convergence().isPresent()) {
      Convergence c = e.convergence().get();
      o.put("levelled_off", c.levelledOff());
      o.put("last_doubling_change", c.change());
      o.put("levelled_off_tolerance", c.tolerance());
    } else {
      o.putNull("levelled_off");
      o.putNull("last_doubling_change");
      o.putNull("levelled_off_tolerance");
    }
    if (e.batches().isPresent()) {
      Batches b = e.batches().get();
      ObjectNode bn = o.putObject("batches");
      bn.put("size", b.size());
      bn.put("count", b.count());
      bn.put("mean", b.mean());
      bn.put("std", b.std());
      bn.put("min", b.min());
      bn.put("max", b.max());
      bn.put("sweep_batches", b.sweepBatches());
      ArrayNode values = bn.putArray("values");
      for (double v : b.values()) {
        values.add(v);
      }
    }
    ObjectNode input = o.putObject("input");
    input.put("rows", e.input().rows());
    input.put("non_finite_dropped", e.input().nonFinite());
    input.put("zero_rows_dropped", e.input().zeroRows());
    input.put("duplicates_removed", e.input().duplicates());
    o.put("degenerate_points", e.degenerate());
    if (e.knn().isPresent()) {
      KnnStats s = e.knn().get();
      ObjectNode kn = o.putObject("knn");
      kn.put("engine", e.engine());
      kn.put("candidates", s.candidates());
      kn.put("proven_float32", s.floatCertified());
      kn.put("proven_float64", s.doubleCertified());
      kn.put("brute_force", s.bruteForce());
      kn.put("block_pairs", s.pairs());
      kn.put("seconds", s.seconds());
    }
    o.put("seconds", e.seconds());
    return o;
  }
}
