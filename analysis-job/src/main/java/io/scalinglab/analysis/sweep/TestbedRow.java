package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.analysis.theory.TheoryPrediction;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.TheoryError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One dataset of known intrinsic dimension (a theory-testbed sweep): the exponents fitted along
 * each axis beside the exponents the theory predicts from the true d, and the ID estimated on the
 * inputs and on the last layer beside the true d. Unlike the sweep's predictions, which start from
 * an estimated ID as the paper's must, these start from the d the data was made with.
 *
 * @param trueDim the dimension the data was generated with
 * @param alphaData the primary power-law exponent along the data axis, if fitted
 * @param alphaModel the primary power-law exponent along the model axis, if fitted
 * @param inputId the ID of the model's inputs (activations of layer {@code input}), if estimated
 * @param modelId the dataset's ID as the analysis chose it (last layer of the largest model)
 */
public record TestbedRow(
    String dataset,
    double trueDim,
    Optional<Estimate> alphaData,
    Optional<Estimate> alphaModel,
    Optional<IdChoice> inputId,
    Optional<IdChoice> modelId) {

  public TestbedRow {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(alphaData, "alphaData");
    Objects.requireNonNull(alphaModel, "alphaModel");
    Objects.requireNonNull(inputId, "inputId");
    Objects.requireNonNull(modelId, "modelId");
  }

  /** The exponents the theory predicts at the true d, under {@code error}. */
  public TheoryPrediction theory(double beta, TheoryError error) {
    return TheoryPrediction.of(Interval.point(trueDim), beta, error);
  }

  /** The fitted exponent along {@code axis}, if any. */
  public Optional<Estimate> fitted(Axis axis) {
    return axis == Axis.DATA ? alphaData : alphaModel;
  }

  /** The rows of the datasets whose runs carry one known dimension, in dataset order. */
  static List<TestbedRow> of(List<DatasetResult> datasets, List<IdRow> ids, AnalysisConfig s) {
    List<TestbedRow> out = new ArrayList<>();
    for (DatasetResult d : datasets) {
      Set<Double> dims =
          d.runs().stream()
              .map(Run::intrinsicDim)
              .filter(v -> v > 0 && Double.isFinite(v))
              .collect(Collectors.toSet());
      if (dims.size() != 1) {
        continue; // not a testbed dataset (or an inconsistent one, which the table shows)
      }
      Set<String> runIds = d.runs().stream().map(Run::runId).collect(Collectors.toSet());
      Optional<IdChoice> input =
          ids.stream()
              .filter(r -> runIds.contains(r.runId()) && r.layer().equals(IdRow.INPUT))
              .filter(r -> SweepAnalysis.matches(r, s) && r.id() > 0 && Double.isFinite(r.id()))
              .max(Comparator.comparing(IdRow::runId)) // every run of a d reads the same points
              .map(SweepAnalysis::choice);
      out.add(
          new TestbedRow(
              d.dataset(),
              dims.iterator().next(),
              primary(d, Axis.DATA),
              primary(d, Axis.MODEL),
              input,
              d.id()));
    }
    return out;
  }

  private static Optional<Estimate> primary(DatasetResult d, Axis axis) {
    return d.fits().stream()
        .filter(f -> f.primary() && f.form() == FitForm.POWER && f.axis().equals(Optional.of(axis)))
        .map(FitRecord::fit)
        .filter(Fit.Fitted.class::isInstance)
        .map(f -> ((Fit.Fitted) f).estimate("alpha"))
        .findFirst();
  }
}
