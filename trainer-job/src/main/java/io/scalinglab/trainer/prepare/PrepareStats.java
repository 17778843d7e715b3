package io.scalinglab.trainer.prepare;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of one prepare run, merged across Spark partitions: documents and tokens per split, input
 * text bytes, and skipped records by reason with one example detail each.
 */
final class PrepareStats implements Serializable {
  private static final long serialVersionUID = 1L;

  long trainDocs;
  long valDocs;
  long trainTokens;
  long valTokens;
  long textBytes;
  final TreeMap<String, Long> corrupt = new TreeMap<>();
  final TreeMap<String, Long> filtered = new TreeMap<>();

  /** The smallest detail seen per reason, so the example is the same whatever the partitioning. */
  final TreeMap<String, String> examples = new TreeMap<>();

  PrepareStats add(PreparedDoc d, ValidationSplit split) {
    if (d.isDocument()) {
      if (split.contains(d.splitKey)) {
        valDocs++;
        valTokens += d.tokenCount();
      } else {
        trainDocs++;
        trainTokens += d.tokenCount();
      }
      textBytes += d.textBytes;
    } else {
      (d.corrupt ? corrupt : filtered).merge(d.skipReason, 1L, Long::sum);
      if (d.detail != null) {
        examples.merge(d.skipReason, d.detail, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    return this;
  }

  PrepareStats merge(PrepareStats o) {
    trainDocs += o.trainDocs;
    valDocs += o.valDocs;
    trainTokens += o.trainTokens;
    valTokens += o.valTokens;
    textBytes += o.textBytes;
    o.corrupt.forEach((k, v) -> corrupt.merge(k, v, Long::sum));
    o.filtered.forEach((k, v) -> filtered.merge(k, v, Long::sum));
    o.examples.forEach((k, v) -> examples.merge(k, v, (a, b) -> a.compareTo(b) <= 0 ? a : b));
    return this;
  }

  long documents() {
    return trainDocs + valDocs;
  }

  long corruptCount() {
    return corrupt.values().stream().mapToLong(Long::longValue).sum();
  }

  long filteredCount() {
    return filtered.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Share of corrupt records among the records that were not filtered out. */
  double corruptShare() {
    long considered = documents() + corruptCount();
    return considered == 0 ? 0.0 : (double) corruptCount() / considered;
  }

  Map<String, Long> corruptByReason() {
    return corrupt;
  }
}
