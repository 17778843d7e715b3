package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.theory.Interval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The systematic spread of a dataset's ID: how far the estimate moves over the choices a
 * measurement makes besides its sampling, each a {@link Source}.
 *
 * <ul>
 *   <li>{@code layer}: the chosen run's estimates at every layer of the model, the embedding left
 *       out (a lookup table whose ID reflects the vocabulary, not the data manifold);
 *   <li>{@code run}: the same layer of every run of the dataset (other model and data sizes);
 *   <li>{@code protocol}: the chosen run and layer under each sampling protocol estimated;
 *   <li>{@code K}: the estimate's {@code k_sweep};
 *   <li>{@code n}: the estimate's {@code n_sweep} on its largest two subsamples (n/2 and n), the
 *       movement left at the last doubling; smaller subsamples show convergence, not a choice.
 * </ul>
 *
 * Every source compares like with like: the same estimator and metric (a cosine MLE is about half
 * the Euclidean one by construction, PAPER.md), and the same K except in the K sweep. The band on d
 * is the range of the chosen value and every source's values; as each exponent falls with d, it
 * maps to a band on the predicted exponents ({@link
 * io.scalinglab.analysis.theory.TheoryPrediction}).
 *
 * @param sources the choices that were estimated more than one way
 * @param d the chosen d with the range over all sources as its ends (unbounded when no source)
 */
public record IdSpread(List<Source> sources, Interval d) {
  /** The embedding layer, left out of the layer spread. */
  public static final String EMBEDDING = "emb";

  public IdSpread {
    sources = List.copyOf(sources);
    Objects.requireNonNull(d, "d");
  }

  /**
   * One choice and the IDs over its alternatives.
   *
   * @param name {@code layer}, {@code run}, {@code protocol}, {@code K} or {@code n}
   * @param detail what was compared, in words
   * @param low the smallest ID
   * @param high the largest ID
   * @param count how many estimates
   */
  public record Source(String name, String detail, double low, double high, int count) {
    /** high − low. */
    public double range() {
      return high - low;
    }
  }

  /** Whether any choice was estimated more than one way. */
  public boolean present() {
    return !sources.isEmpty();
  }

  /** The source that moves the ID most. */
  public Optional<Source> dominant() {
    return sources.stream().max(Comparator.comparingDouble(Source::range));
  }

  /** The sources in one line: {@code layer 11.2–14.0 (4 layers); K 10.1–12.3 (4 values)}. */
  public String describe() {
    if (sources.isEmpty()) {
      return "none: one estimate per choice of layer, run, protocol, K and n";
    }
    List<String> parts = new ArrayList<>();
    for (Source s : sources) {
      parts.add(
          String.format(Locale.ROOT, "%s %.4g–%.4g (%s)", s.name(), s.low(), s.high(), s.detail()));
    }
    return String.join("; ", parts);
  }

  /**
   * The spread around {@code chosen} among {@code rows} and {@code curves} of the dataset's runs.
   */
  static IdSpread of(IdRow chosen, Set<String> runs, List<IdRow> rows, List<IdConvergence> curves) {
    Predicate<IdRow> like =
        r ->
            runs.contains(r.runId())
                && r.estimator().equalsIgnoreCase(chosen.estimator())
                && r.metric().equalsIgnoreCase(chosen.metric())
                && r.id() > 0
                && Double.isFinite(r.id());
    List<Source> sources = new ArrayList<>();
    List<IdRow> layers =
        rows.stream()
            .filter(like)
            .filter(r -> r.runId().equals(chosen.runId()))
            .filter(r -> r.protocol().equalsIgnoreCase(chosen.protocol()) && r.k() == chosen.k())
            .filter(r -> !r.layer().equals(IdRow.INPUT) && !r.layer().equals(EMBEDDING))
            .toList();
    add(
        sources,
        "layer",
        distinct(layers, IdRow::layer) + " layers of run " + chosen.runId(),
        ids(layers));
    List<IdRow> sameLayer =
        rows.stream()
            .filter(like)
            .filter(r -> r.layer().equals(chosen.layer()))
            .filter(r -> r.protocol().equalsIgnoreCase(chosen.protocol()) && r.k() == chosen.k())
            .toList();
    add(
        sources,
        "run",
        distinct(sameLayer, IdRow::runId) + " runs, layer " + chosen.layer(),
        ids(sameLayer));
    List<IdRow> protocols =
        rows.stream()
            .filter(like)
            .filter(r -> r.runId().equals(chosen.runId()) && r.layer().equals(chosen.layer()))
            .filter(r -> r.k() == chosen.k())
            .toList();
    add(sources, "protocol", distinct(protocols, IdRow::protocol) + " protocols", ids(protocols));
    Optional<IdConvergence> curve = curves.stream().filter(c -> c.of(chosen)).findFirst();
    if (curve.isPresent()) {
      List<Double> ks = curve.get().k().stream().map(p -> p[1]).toList();
      add(sources, "K", ks.size() + " values of K", ks);
      double top = curve.get().n().stream().mapToDouble(p -> p[0]).max().orElse(0);
      List<Double> ns =
          curve.get().n().stream().filter(p -> p[0] >= top / 2).map(p -> p[1]).toList();
      add(sources, "n", "n/2 and n of the n sweep", ns);
    }
    double low = chosen.id();
    double high = chosen.id();
    for (Source s : sources) {
      low = Math.min(low, s.low());
      high = Math.max(high, s.high());
    }
    Interval d =
        sources.isEmpty() ? Interval.point(chosen.id()) : new Interval(chosen.id(), low, high);
    return new IdSpread(sources, d);
  }

  private static void add(List<Source> out, String name, String detail, List<Double> ids) {
    List<Double> finite = ids.stream().filter(v -> v > 0 && Double.isFinite(v)).toList();
    if (finite.size() < 2) {
      return;
    }
    double low = finite.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double high = finite.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    if (high > low) {
      out.add(new Source(name, detail, low, high, finite.size()));
    }
  }

  private static List<Double> ids(List<IdRow> rows) {
    return rows.stream().map(IdRow::id).toList();
  }

  private static int distinct(List<IdRow> rows, java.util.function.Function<IdRow, String> key) {
    Set<String> s = new TreeSet<>();
    rows.forEach(r -> s.add(key.apply(r)));
    return s.size();
  }
}
