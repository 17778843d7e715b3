package io.scalinglab.trainer.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * GPT-2 tokens. Expected ids are tiktoken's {@code get_encoding("gpt2").encode_ordinary(...)}, the
 * call nanoGPT's prepare.py makes ("Hello world" is the example in tiktoken's README), as {@code
 * src/test/resources/reference/gpt2_tokens.mjs} computes them with js-tiktoken, tiktoken's own
 * JavaScript port (its output is in its header).
 */
class Gpt2TokenizerTest {
  private final Tokenizer gpt2 = Tokenizers.forName("gpt2");

  private static int[] withEot(int... ids) {
    int[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = 50256;
    return out;
  }

  private static String decode(int[] tokens) {
    IntArrayList list = new IntArrayList(tokens.length);
    for (int t : tokens) {
      list.add(t);
    }
    return Gpt2Tokenizer.encoding().decode(list);
  }

  @Test
  void describesItself() {
    assertEquals("gpt2", gpt2.name());
    assertEquals(50257, gpt2.vocabSize());
    assertEquals(50256, gpt2.eot());
  }

  @Test
  void knownEncodings() {
    assertArrayEquals(withEot(15496, 995), gpt2.encodeDocument("Hello world"));
    assertArrayEquals(withEot(262), gpt2.encodeDocument(" the"));
    assertArrayEquals(withEot(1169), gpt2.encodeDocument("the"));
    assertArrayEquals(withEot(), gpt2.encodeDocument(""));
  }

  @Test
  void specialTokenTextIsOrdinaryText() {
    int[] tokens = gpt2.encodeDocument("<|endoftext|>");
    assertArrayEquals(withEot(27, 91, 437, 1659, 5239, 91, 29), tokens);
    assertEquals(1, Arrays.stream(tokens).filter(t -> t == 50256).count(), "only the appended EOT");
  }

  @Test
  void unicodeRoundTrips() {
    for (String s :
        new String[] {
          "héllo wörld", "日本語のテキスト", "emoji 🎉👩‍👩‍👧 and ✓", "tabs\tand\r\nnewlines  "
        }) {
      int[] tokens = gpt2.encodeDocument(s);
      assertEquals(50256, tokens[tokens.length - 1]);
      assertEquals(s, decode(Arrays.copyOf(tokens, tokens.length - 1)));
      assertEquals(tokens.length, gpt2.countTokens(s));
    }
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacterLikeTiktoken() {
    assertArrayEquals(gpt2.encodeDocument("a\uFFFDb"), gpt2.encodeDocument("a\uD800b"));
    assertArrayEquals(gpt2.encodeDocument("\uFFFD"), gpt2.encodeDocument("\uDC00"));
    assertEquals(gpt2.encodeDocument("a\uD800b").length, gpt2.countTokens("a\uD800b"));
  }
}
