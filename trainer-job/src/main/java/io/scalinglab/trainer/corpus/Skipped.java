package io.scalinglab.trainer.corpus;

import java.util.Objects;

/**
 * A record that yields no document, with the reason and a short detail for the skip report.
 *
 * @param reason why the record was skipped
 * @param detail where or what the problem is (an error position, a field name), at most {@link
 *     #MAX_DETAIL} characters: skip reports are aggregated over millions of records, so the detail
 *     never carries the record itself
 */
public record Skipped(SkipReason reason, String detail) implements Record {
  private static final long serialVersionUID = 1L;

  /** The longest detail kept; longer ones are cut and end in an ellipsis. */
  public static final int MAX_DETAIL = 120;

  public Skipped {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    detail = shorten(detail, MAX_DETAIL);
  }

  /** {@code s} cut to at most {@code max} characters, ending in an ellipsis when cut. */
  static String shorten(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    // Never split a surrogate pair: the detail may end up in JSON reports.
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }
}
