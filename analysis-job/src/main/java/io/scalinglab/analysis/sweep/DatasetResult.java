package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.TheoryPrediction;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The analysis of one dataset of a sweep.
 *
 * @param runs the runs that entered the fits
 * @param fits every fit made, primary ones first per axis
 * @param id the ID estimate used for the predictions, when there is one
 * @param spread the ID's systematic spread over layer, run, protocol, K and n, when there is an ID
 *     estimate
 * @param theory the predicted exponents, when there is an ID estimate
 * @param comparisons predicted against fitted exponent per axis
 * @param notes what could not be done and why
 * @param entropy the unigram and bigram entropies of the validation split, when its shards were
 *     found
 */
public record DatasetResult(
    String dataset,
    List<Run> runs,
    List<FitRecord> fits,
    Optional<IdChoice> id,
    Optional<IdSpread> spread,
    Optional<TheoryPrediction> theory,
    List<Comparison> comparisons,
    List<String> notes,
    Optional<TokenEntropy> entropy) {
  public DatasetResult {
    Objects.requireNonNull(dataset, "dataset");
    runs = List.copyOf(runs);
    fits = List.copyOf(fits);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spread, "spread");
    Objects.requireNonNull(theory, "theory");
    comparisons = List.copyOf(comparisons);
    notes = List.copyOf(notes);
    Objects.requireNonNull(entropy, "entropy");
  }
}
