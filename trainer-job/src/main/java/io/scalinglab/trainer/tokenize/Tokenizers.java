package io.scalinglab.trainer.tokenize;

import java.util.List;
import java.util.Objects;

/** The tokenizers scalinglab knows, by the names configs use. */
public final class Tokenizers {
  private Tokenizers() {}

  /** The names {@link #forName} accepts. */
  public static final List<String> NAMES = List.of(Gpt2Tokenizer.NAME, ByteTokenizer.NAME);

  /**
   * The tokenizer called {@code name}.
   *
   * @throws IllegalArgumentException if no tokenizer has that name; the message lists the names
   */
  public static Tokenizer forName(String name) {
    Objects.requireNonNull(name, "name");
    return switch (name) {
      case Gpt2Tokenizer.NAME -> Gpt2Tokenizer.INSTANCE;
      case ByteTokenizer.NAME -> ByteTokenizer.INSTANCE;
      default ->
          throw new IllegalArgumentException(
              "'" + name + "' is not a tokenizer: use one of " + String.join(", ", NAMES));
    };
  }
}
