package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Layers sort by depth: input, emb, h_0 … h_10 (as numbers), h_final, ln_f, other names. */
class LayerOrderTest {

  @Test
  void sortsEmbeddingBlocksByNumberThenTheOutputs() {
    List<String> expected =
        List.of(
            "input",
            "emb",
            "h_0",
            "h_1",
            "h_2",
            "h_3",
            "h_4",
            "h_5",
            "h_6",
            "h_7",
            "h_8",
            "h_9",
            "h_10",
            "h_11",
            "h_final",
            "ln_f",
            "h_pooled",
            "zeta");
    for (int seed = 0; seed < 5; seed++) {
      List<String> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, new java.util.Random(new SplittableRandom(seed).nextLong()));
      shuffled.sort(LayerOrder.BY_DEPTH);
      assertEquals(expected, shuffled);
    }
  }

  @Test
  void bareIndicesAreBlocks() {
    assertEquals(OptionalInt.of(3), LayerOrder.blockIndex("3"));
    assertEquals(OptionalInt.of(12), LayerOrder.blockIndex("h_12"));
    assertEquals(OptionalInt.empty(), LayerOrder.blockIndex("h_final"));
    assertEquals(OptionalInt.empty(), LayerOrder.blockIndex("h_"));
    assertTrue(LayerOrder.BY_DEPTH.compare("2", "h_10") < 0);
    assertTrue(LayerOrder.BY_DEPTH.compare("emb", "0") < 0);
    assertEquals(Double.NEGATIVE_INFINITY, LayerOrder.depth("input"));
    assertEquals(-1, LayerOrder.depth("emb"));
    assertEquals(Double.POSITIVE_INFINITY, LayerOrder.depth("ln_f"));
    assertEquals(1.5, LayerOrder.depth("1.5"));
  }
}
