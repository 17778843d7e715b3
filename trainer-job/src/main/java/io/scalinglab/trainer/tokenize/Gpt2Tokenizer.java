package io.scalinglab.trainer.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * GPT-2's byte-pair encoding, {@code r50k_base}: 50,257 tokens, end-of-text 50256, the encoding
 * nanoGPT's prepare.py gets from {@code tiktoken.get_encoding("gpt2")}.
 *
 * <p>JTokkit's {@code Encoding} is not serializable, so it lives in a static holder, loaded once
 * per JVM on first use; only the name travels to executors, and {@link #readResolve} returns the
 * JVM's one instance. Sharing that encoding between Spark task threads is safe: JTokkit 1.1.0's
 * {@code GptBytePairEncoding} and {@code TokenEncoder} keep only final fields filled in their
 * constructors (a compiled {@code Pattern} and read-only maps) and build a fresh matcher and token
 * lists on every call, and the holder's class initialisation publishes them safely.
 */
final class Gpt2Tokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  static final String NAME = "gpt2";
  static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();

  /** End of text in r50k_base, tiktoken's {@code enc.eot_token}. */
  static final int EOT = 50256;

  private Gpt2Tokenizer() {}

  /** Loaded on first use; the lazy registry reads only r50k_base, not all five encodings. */
  private static final class Holder {
    static final Encoding ENCODING =
        Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
  }

  /** The JTokkit encoding behind this tokenizer, for decoding in tests and tools. */
  static Encoding encoding() {
    return Holder.ENCODING;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return EOT + 1;
  }

  @Override
  public int eot() {
    return EOT;
  }

  @Override
  public int[] encodeDocument(String text) {
    // nanoGPT data/openwebtext/prepare.py: ids = enc.encode_ordinary(example['text']);
    // ids.append(enc.eot_token). Appending to JTokkit's list, then one toArray(), is the only copy.
    IntArrayList tokens = Holder.ENCODING.encodeOrdinary(WellFormed.text(text));
    tokens.add(EOT);
    return tokens.toArray();
  }

  @Override
  public String decode(int[] tokens) {
    IntArrayList list = new IntArrayList(tokens.length);
    for (int t : tokens) {
      list.add(t);
    }
    return Holder.ENCODING.decode(list);
  }

  @Override
  public long countTokens(String text) {
    return Holder.ENCODING.countTokensOrdinary(WellFormed.text(text)) + 1L;
  }

  private Object readResolve() {
    return INSTANCE;
  }

  @Override
  public String toString() {
    return NAME;
  }
}
