package io.scalinglab.core.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order by depth of the layers a run's activations come from ({@code
 * runs/<run-id>/activations/<layer>.npy}): {@code input} (the data a model reads), {@code emb}
 * (token plus position embedding), the blocks {@code h_0}, {@code h_1}, … (or a bare block index,
 * as the theory testbed's sidecars write it), {@code h_final} (the last block's output), {@code
 * ln_f} (after the final LayerNorm), then any other name alphabetically.
 *
 * <p>Names sort as text would put {@code h_10} before {@code h_2}; this order compares block
 * indices as numbers, so tables and the ID-against-layer figure read from the embedding to the
 * output.
 */
public final class LayerOrder {
  /** The model's inputs (the theory testbed's data points). */
  public static final String INPUT = "input";

  /** The token plus position embedding, before the first block. */
  public static final String EMBEDDING = "emb";

  /** The last block's output, whatever the model's depth. */
  public static final String FINAL_BLOCK = "h_final";

  /** The final LayerNorm's output. */
  public static final String FINAL_NORM = "ln_f";

  /** Layers from the input to the output; ties (two spellings of one depth) by name. */
  public static final Comparator<String> BY_DEPTH =
      Comparator.comparingDouble(LayerOrder::depth)
          .thenComparingInt(LayerOrder::tail)
          .thenComparing(Comparator.naturalOrder());

  private static final Pattern BLOCK = Pattern.compile("(?:h_)?(\\d{1,9})");

  private LayerOrder() {}

  /**
   * The layer's depth as a number: −∞ for {@code input}, −1 for {@code emb}, i for block i ({@code
   * h_i} or {@code i}), +∞ for every other name ({@code h_final}, {@code ln_f} and names this order
   * does not know, which all come after the blocks).
   */
  public static double depth(String layer) {
    Objects.requireNonNull(layer, "layer");
    if (layer.equals(INPUT)) {
      return Double.NEGATIVE_INFINITY;
    }
    if (layer.equals(EMBEDDING)) {
      return -1;
    }
    OptionalInt block = blockIndex(layer);
    if (block.isPresent()) {
      return block.getAsInt();
    }
    try {
      double v = Double.parseDouble(layer); // a non-integer index some sidecar wrote
      return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** The block index of {@code h_i} or {@code i}; empty for any other name. */
  public static OptionalInt blockIndex(String layer) {
    Matcher m = BLOCK.matcher(Objects.requireNonNull(layer, "layer"));
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /**
   * Every hidden state a GPT of {@code nLayer} blocks has, in the order of its forward pass: {@code
   * emb}, {@code h_0} … {@code h_<nLayer − 1>}, {@code h_final}, {@code ln_f}. The trainer's
   * engines answer exactly these names, and {@code train.activations.layers} is checked against
   * them.
   */
  public static List<String> hiddenStates(int nLayer) {
    List<String> names = new ArrayList<>();
    names.add(EMBEDDING);
    for (int i = 0; i < nLayer; i++) {
      names.add("h_" + i);
    }
    names.add(FINAL_BLOCK);
    names.add(FINAL_NORM);
    return List.copyOf(names);
  }

  /** Among the names after the blocks: h_final, then ln_f, then the rest. */
  private static int tail(String layer) {
    return switch (layer) {
      case FINAL_BLOCK -> 0;
      case FINAL_NORM -> 1;
      default -> 2;
    };
  }
}
