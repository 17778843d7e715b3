package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.theory.Axis;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One fit of a sweep: which dataset and axis, which runs (a group at one fixed model or data size),
 * the points and the result.
 *
 * @param axis data or model scaling; empty for the joint Chinchilla fit over both
 * @param group the fixed quantity of the group in words ({@code N = 1.2e+06}); empty for joint
 * @param xNames the x columns ({@code train_tokens}, {@code params_non_embedding})
 * @param x the points, one array per x column
 * @param primary whether this fit is the one compared with the theory for its axis
 * @param regime whether its runs were in the regime its axis needs ({@link RegimeCheck})
 */
public record FitRecord(
    String dataset,
    Optional<Axis> axis,
    String group,
    FitForm form,
    List<String> xNames,
    double[][] x,
    double[] y,
    List<String> runIds,
    Fit fit,
    boolean primary,
    RegimeCheck regime) {

  public FitRecord {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(axis, "axis");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(form, "form");
    xNames = List.copyOf(xNames);
    runIds = List.copyOf(runIds);
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(regime, "regime");
  }

  /** {@code data}, {@code model} or {@code joint}. */
  public String kind() {
    return axis.map(Axis::key).orElse("joint");
  }
}
