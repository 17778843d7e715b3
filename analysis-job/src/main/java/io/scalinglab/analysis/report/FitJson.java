package io.scalinglab.analysis.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitOptions;
import io.scalinglab.analysis.fit.Frontier;
import io.scalinglab.analysis.fit.HoldoutCheck;
import io.scalinglab.analysis.fit.Intervals;
import io.scalinglab.analysis.theory.Interval;
import java.util.List;

/**
 * Fits as JSON, the same for {@code fits.json} and {@code scalinglab fit --json}: parameters with
 * their intervals and how those were made ({@code interval.method}: t, bootstrap,
 * parametric-bootstrap or none, with the reason), goodness of fit (R², n, decades spanned), how it
 * was fitted and the out-of-sample check. Keys are snake_case; numbers that are not finite are
 * written as {@code null}.
 */
public final class FitJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private FitJson() {}

  /** {@code fit} of points with x columns {@code xNames}. */
  public static ObjectNode of(Fit fit, List<String> xNames, FitOptions options) {
    ObjectNode o = F.objectNode();
    o.put("form", fit.form().key());
    o.put("formula", fit.form().formula());
    ArrayNode x = o.putArray("x");
    xNames.forEach(x::add);
    o.put("n", fit.n());
    if (fit instanceof Fit.Fitted f) {
      o.put("status", "fitted");
      o.set("parameters", parameters(f.estimates()));
      num(o, "r2", f.r2());
      ArrayNode decades = o.putArray("decades");
      for (double d : f.decades()) {
        decades.add(d);
      }
      num(o, "objective", f.objective());
      o.put("method", f.method());
      ObjectNode in = o.putObject("interval");
      in.put("method", f.intervals().method());
      in.put("description", f.intervals().description());
      num(in, "level", f.intervals().level());
      if (f.intervals().method().equals(Intervals.T)) {
        in.put("degrees_of_freedom", f.intervals().degreesOfFreedom());
      }
      if (!f.intervals().present()) {
        in.put("absent", f.intervals().absent());
      }
      num(o, "level", options.level());
      o.put("seed", options.seed());
      o.put("resamples", f.resamples());
      o.put("resamples_failed", f.resamplesFailed());
      f.holdout().ifPresent(h -> o.set("holdout", holdout(h)));
    } else {
      o.put("status", "failed");
      o.put("reason", ((Fit.Failed) fit).reason());
    }
    return o;
  }

  static ObjectNode parameters(List<Estimate> estimates) {
    ObjectNode p = F.objectNode();
    for (Estimate e : estimates) {
      ObjectNode v = p.putObject(e.name());
      num(v, "value", e.value());
      num(v, "low", e.low());
      num(v, "high", e.high());
      num(v, "se", e.standardError());
    }
    return p;
  }

  /**
   * The compute-optimal frontier: exponents {@code a}, {@code b} with intervals, and per budget
   * {@code flops}, {@code n_opt}, {@code d_opt}, {@code loss}, each with {@code value}, {@code
   * low}, {@code high}, {@code se}.
   */
  public static ObjectNode frontier(Frontier fr) {
    ObjectNode o = F.objectNode();
    o.put("budget", "C = 6 N D");
    o.set("exponents", parameters(List.of(fr.a(), fr.b())));
    num(o, "level", fr.level());
    o.put("resamples", fr.resamples());
    ArrayNode pts = o.putArray("points");
    for (Frontier.Point p : fr.points()) {
      ObjectNode q = pts.addObject();
      num(q, "flops", p.flops());
      ObjectNode v = parameters(List.of(p.nOpt(), p.dOpt(), p.loss()));
      q.set("n_opt", v.get("N_opt"));
      q.set("d_opt", v.get("D_opt"));
      q.set("loss", v.get("loss"));
    }
    return o;
  }

  static ObjectNode holdout(HoldoutCheck h) {
    ObjectNode o = F.objectNode();
    o.put("k", h.k());
    if (h.fit() instanceof Fit.Fitted f) {
      o.put("status", "fitted");
      o.set("parameters", parameters(f.estimates()));
      num(o, "in_sample_error", h.inSampleError());
      num(o, "held_out_error", h.heldOutError());
      ArrayNode pts = o.putArray("points");
      for (HoldoutCheck.Point p : h.points()) {
        ObjectNode q = pts.addObject();
        ArrayNode px = q.putArray("x");
        for (double v : p.x()) {
          px.add(v);
        }
        num(q, "observed", p.observed());
        num(q, "predicted", p.predicted());
        num(q, "relative_error", p.relativeError());
      }
    } else {
      o.put("status", "failed");
      o.put("reason", ((Fit.Failed) h.fit()).reason());
    }
    return o;
  }

  static ObjectNode interval(Interval i) {
    ObjectNode o = F.objectNode();
    num(o, "value", i.value());
    num(o, "low", i.low());
    num(o, "high", i.high());
    return o;
  }

  static void num(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }
}
