package io.scalinglab.analysis.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.analysis.fit.FitOptions;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.Excluded;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.sweep.IdSpread;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.analysis.sweep.TestbedRow;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.TheoryError;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every file of a sweep's {@code analysis/} folder, built in memory, in the order they should be
 * written: figures, {@code fits.csv}, {@code predictions.csv}, {@code fits.json}, and {@code
 * report.html} last, so a complete report means a complete folder.
 *
 * @param files contents by path relative to the analysis folder
 */
public record AnalysisOutput(Map<String, byte[]> files) {
  public static final String FITS_JSON = "fits.json";
  public static final String FITS_CSV = "fits.csv";
  public static final String PREDICTIONS_CSV = "predictions.csv";
  public static final String FRONTIER_CSV = "frontier.csv";
  public static final String REPORT = "report.html";
  public static final String FIGURES = "figures";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectWriter JSON = Json.PRETTY;

  public AnalysisOutput {
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /**
   * The output of {@code result}.
   *
   * @param inputs the files read, for the report
   * @param configJson the resolved config as JSON (provenance and the report's config section)
   * @param provenance how the analysis was made
   */
  public static AnalysisOutput build(
      AnalysisResult result,
      String sweep,
      List<String> inputs,
      String configJson,
      Provenance provenance) {
    requireNonNull(result, "result");
    requireNonNull(sweep, "sweep");
    requireNonNull(provenance, "provenance");
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<Figure, byte[]> pngs = new LinkedHashMap<>();
    List<Frontiers.Of> frontiers = Frontiers.of(result);
    List<Figure> figures = new ArrayList<>(Figures.of(result));
    Frontiers.figure(frontiers).ifPresent(figures::add);
    for (Figure f : figures) {
      byte[] png = f.png();
      pngs.put(f, png);
      files.put(FIGURES + "/" + f.name() + ".png", png);
      files.put(FIGURES + "/" + f.name() + ".svg", utf8(f.svg()));
    }
    files.put(FITS_CSV, utf8(AnalysisTables.fits(result)));
    files.put(PREDICTIONS_CSV, utf8(AnalysisTables.predictions(result)));
    if (!frontiers.isEmpty()) {
      files.put(FRONTIER_CSV, utf8(AnalysisTables.write(Frontiers.rows(frontiers))));
    }
    ObjectNode json = json(result, sweep, inputs);
    ArrayNode fr = json.putArray("frontiers");
    for (Frontiers.Of o : frontiers) {
      ObjectNode one = FitJson.frontier(o.frontier());
      one.put("dataset", o.dataset());
      fr.add(one);
    }
    Manifests.withProvenance(json, provenance);
    files.put(FITS_JSON, utf8(write(json) + "\n"));
    String html =
        ReportHtml.render(
            result,
            sweep,
            inputs,
            pngs,
            configJson,
            write(json.get(Manifests.PROVENANCE)),
            provenance.createdAt());
    files.put(REPORT, utf8(html));
    return new AnalysisOutput(files);
  }

  /** The figure files' names, relative to the analysis folder. */
  public List<String> figureFiles() {
    return files.keySet().stream().filter(k -> k.startsWith(FIGURES + "/")).toList();
  }

  static ObjectNode json(AnalysisResult result, String sweep, List<String> inputs) {
    AnalysisConfig s = result.settings();
    FitOptions options = SweepAnalysis.options(s);
    ObjectNode o = F.objectNode();
    o.put("kind", "analysis");
    o.put("sweep", sweep);
    ArrayNode in = o.putArray("inputs");
    inputs.forEach(in::add);
    ObjectNode theory = o.putObject("theory");
    theory.put("beta", s.beta());
    theory.put("error", s.error().key());
    theory.put("loss_column", s.lossColumn());
    theory.put("model_size", s.modelSize().key());
    ObjectNode idSel = o.putObject("id_selection");
    idSel.put("estimator", s.idEstimator());
    idSel.put("metric", s.idMetric());
    idSel.put("protocol", s.idProtocol());
    idSel.put("k", s.idK());
    ArrayNode ex = o.putArray("excluded");
    for (Excluded e : result.excluded()) {
      ObjectNode x = ex.addObject();
      x.put("run_id", e.runId());
      x.put("dataset", e.dataset());
      x.put("status", e.status());
      x.put("reason", e.reason());
    }
    if (!result.testbed().isEmpty()) {
      o.set("testbed", testbed(result));
    }
    ArrayNode ds = o.putArray("datasets");
    for (DatasetResult d : result.datasets()) {
      ObjectNode dn = ds.addObject();
      dn.put("dataset", d.dataset());
      dn.put("runs", d.runs().size());
      d.entropy()
          .ifPresent(
              e -> {
                ObjectNode en = dn.putObject("val_entropy");
                en.put("tokens", e.tokens());
                en.put("unigram", e.unigram());
                en.put("bigram", e.bigram());
                en.put("bigram_bias", e.bigramBias());
                en.put("unit", "nats per token");
              });
      d.id()
          .ifPresent(
              c -> {
                ObjectNode id = dn.putObject("id");
                id.put("run_id", c.row().runId());
                id.put("estimator", c.row().estimator());
                id.put("metric", c.row().metric());
                id.put("k", c.row().k());
                id.put("protocol", c.row().protocol());
                id.put("layer", c.row().layer());
                id.set("d", FitJson.interval(c.d()));
                id.put("interval_source", c.intervalSource());
              });
      d.spread()
          .ifPresent(
              sp -> {
                ObjectNode spread = dn.putObject("id_spread");
                spread.set("d", FitJson.interval(sp.d()));
                ArrayNode sources = spread.putArray("sources");
                for (IdSpread.Source src : sp.sources()) {
                  ObjectNode sn = sources.addObject();
                  sn.put("name", src.name());
                  sn.put("detail", src.detail());
                  FitJson.num(sn, "low", src.low());
                  FitJson.num(sn, "high", src.high());
                  sn.put("count", src.count());
                }
              });
      d.theory()
          .ifPresent(
              t -> {
                ObjectNode th = dn.putObject("theory");
                th.set("alpha_data", FitJson.interval(t.alphaData()));
                th.set("alpha_model", FitJson.interval(t.alphaModel()));
                th.set("sharma_kaplan", FitJson.interval(t.sharmaKaplan()));
              });
      ArrayNode fits = dn.putArray("fits");
      for (FitRecord f : d.fits()) {
        ObjectNode fn = FitJson.of(f.fit(), f.xNames(), options);
        fn.put("axis", f.kind());
        fn.put("group", f.group());
        fn.put("primary", f.primary());
        ObjectNode regime = fn.putObject("regime");
        regime.put("state", f.regime().key());
        regime.put("reason", f.regime().reason());
        ArrayNode runs = fn.putArray("run_ids");
        f.runIds().forEach(runs::add);
        fits.add(fn);
      }
      ArrayNode cmp = dn.putArray("comparisons");
      for (Comparison c : d.comparisons()) {
        ObjectNode cn = cmp.addObject();
        cn.put("axis", c.axis().key());
        cn.set("predicted", FitJson.interval(c.predicted()));
        cn.set("predicted_systematic", FitJson.interval(c.systematic()));
        cn.put("systematic_source", c.systematicSource());
        FitJson.num(cn, "sampling_half_width", c.samplingHalfWidth());
        FitJson.num(cn, "systematic_half_width", c.systematicHalfWidth());
        cn.set("sharma_kaplan", FitJson.interval(c.sharmaKaplan()));
        ObjectNode ob = cn.putObject("observed");
        FitJson.num(ob, "value", c.observed().value());
        FitJson.num(ob, "low", c.observed().low());
        FitJson.num(ob, "high", c.observed().high());
        FitJson.num(cn, "difference", c.difference());
        cn.put("predicted_inside_observed", c.predictedInsideObserved());
        cn.put("observed_inside_predicted", c.observedInsidePredicted());
        cn.put("intervals_overlap", c.intervalsOverlap());
        cn.put("fit", c.fit());
        cn.put("regime", c.regime());
        cn.put("regime_reason", c.regimeReason());
        cn.put("verdict", c.verdictKey());
        cn.put("verdict_text", c.verdict());
      }
      ArrayNode notes = dn.putArray("notes");
      d.notes().forEach(notes::add);
    }
    return o;
  }

  /** The testbed rows: true d, fitted exponents, the theory at the true d, the two IDs. */
  private static ArrayNode testbed(AnalysisResult result) {
    ArrayNode a = F.arrayNode();
    double beta = result.settings().beta();
    for (TestbedRow r : result.testbed()) {
      ObjectNode n = a.addObject();
      n.put("dataset", r.dataset());
      n.put("true_d", r.trueDim());
      for (Axis axis : Axis.values()) {
        ObjectNode ax = n.putObject(axis == Axis.DATA ? "alpha_data" : "alpha_model");
        r.fitted(axis)
            .ifPresent(
                e -> {
                  FitJson.num(ax, "value", e.value());
                  FitJson.num(ax, "low", e.low());
                  FitJson.num(ax, "high", e.high());
                });
        FitJson.num(ax, "squared", r.theory(beta, TheoryError.SQUARED).exponent(axis).value());
        FitJson.num(ax, "root", r.theory(beta, TheoryError.ROOT).exponent(axis).value());
      }
      r.inputId().ifPresent(c -> n.set("id_inputs", FitJson.interval(c.d())));
      r.modelId().ifPresent(c -> n.set("id_last_layer", FitJson.interval(c.d())));
    }
    return a;
  }

  private static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
