package io.scalinglab.trainer.tokenize;

import java.io.Serializable;

/**
 * A map from a document's text to token ids, ending with the end-of-text token. Implementations are
 * thread-safe and serializable (Spark ships them to executors).
 */
public interface Tokenizer extends Serializable {

  /** The name used in configs and in the prepared data's path: {@code gpt2} or {@code byte}. */
  String name();

  /** The number of distinct token ids, end-of-text included; ids are {@code 0..vocabSize-1}. */
  int vocabSize();

  /** The end-of-text token that follows every document. */
  int eot();

  /**
   * The document's tokens followed by {@link #eot()}. Special-token text inside the document (such
   * as {@code <|endoftext|>}) is encoded as ordinary text, never as a special token, and unpaired
   * UTF-16 surrogates are encoded as U+FFFD, as tiktoken's {@code encode_ordinary} does.
   */
  int[] encodeDocument(String text);

  /**
   * The text of a token sequence. End-of-text tokens come out as the text {@code <|endoftext|>}, as
   * tiktoken's {@code decode} writes them; invalid UTF-8 (a sequence cut inside a character)
   * becomes U+FFFD.
   */
  String decode(int[] tokens);

  /** The length of {@link #encodeDocument}'s result, possibly computed without building it. */
  default long countTokens(String text) {
    return encodeDocument(text).length;
  }
}
