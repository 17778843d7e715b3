package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.theory.Axis;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Whether the runs of a fit were in the regime its axis measures (PAPER.md, "What makes a
 * measurement valid").
 *
 * <p>Data axis: L(D) is the data-limited loss only if the run on the largest subset was trained
 * until its validation loss stopped improving; a run cut off while still improving measures the
 * step budget. Model axis: L(N) is the capacity-limited loss only if every model converged; a
 * larger model stopped early can end above a smaller one. A fit that fails its check is not
 * comparable with the theory; one whose runs' regimes are unknown (results tables written before
 * the trainer reported them) says so.
 *
 * @param state whether the check passed, failed or could not be made
 * @param reason which runs, in which regime; empty when the check passed
 */
public record RegimeCheck(State state, String reason) {

  /** The outcome of the check. */
  public enum State {
    /** The runs were in the regime the axis needs. */
    OK,
    /** At least one run was not: the fit does not measure what the axis asks. */
    NOT_COMPARABLE,
    /** The results table does not say (no {@code regime} column, or blank cells). */
    UNKNOWN
  }

  public RegimeCheck {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
  }

  /** No check: the joint fit and fits without an axis. */
  static final RegimeCheck NONE = new RegimeCheck(State.OK, "");

  /** Whether the fit can be compared with the theory. */
  public boolean comparable() {
    return state != State.NOT_COMPARABLE;
  }

  /** The state as written to files: {@code ok}, {@code not-comparable} or {@code unknown}. */
  public String key() {
    return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The check of {@code runs} fitted along {@code axis} against {@code x}. */
  static RegimeCheck of(Axis axis, List<Run> runs, ToDoubleFunction<Run> x, String xName) {
    if (axis == Axis.DATA) {
      double largest = runs.stream().mapToDouble(x).max().orElseThrow();
      List<Run> top = runs.stream().filter(r -> x.applyAsDouble(r) == largest).toList();
      List<Run> improving = top.stream().filter(r -> r.regime().equals(Run.IMPROVING)).toList();
      if (!improving.isEmpty()) {
        return new RegimeCheck(
            State.NOT_COMPARABLE,
            "the largest subset's run "
                + describe(improving, x, xName)
                + " was still improving when it stopped; the data axis needs it trained until"
                + " its validation loss stops improving (train.stop = converged)");
      }
      List<Run> unknown = top.stream().filter(r -> !r.regimeKnown()).toList();
      if (!unknown.isEmpty()) {
        return new RegimeCheck(
            State.UNKNOWN,
            "regime unknown for the largest subset's run "
                + describe(unknown, x, xName)
                + " (results.csv has no regime): cannot tell whether it converged");
      }
      return new RegimeCheck(State.OK, "");
    }
    List<Run> notConverged =
        runs.stream().filter(r -> r.regimeKnown() && !r.regime().equals(Run.CONVERGED)).toList();
    if (!notConverged.isEmpty()) {
      return new RegimeCheck(
          State.NOT_COMPARABLE,
          notConverged.size()
              + " of "
              + runs.size()
              + " runs had not converged: "
              + describe(notConverged, x, xName)
              + "; the model axis needs every model trained until its validation loss stops"
              + " improving");
    }
    List<Run> unknown = runs.stream().filter(r -> !r.regimeKnown()).toList();
    if (!unknown.isEmpty()) {
      return new RegimeCheck(
          State.UNKNOWN,
          "regime unknown for "
              + unknown.size()
              + " of "
              + runs.size()
              + " runs (results.csv has no regime): cannot tell whether they converged");
    }
    return new RegimeCheck(State.OK, "");
  }

  private static String describe(List<Run> runs, ToDoubleFunction<Run> x, String xName) {
    return runs.stream()
        .map(
            r ->
                String.format(
                        Locale.ROOT,
                        "%s (%s = %.4g, %s",
                        r.runId(),
                        xName,
                        x.applyAsDouble(r),
                        r.regimeKnown() ? r.regime() : "regime unknown")
                    + (Double.isFinite(r.epochs())
                        ? String.format(Locale.ROOT, ", %.3g epochs", r.epochs())
                        : "")
                    + ")")
        .collect(Collectors.joining(", "));
  }
}
