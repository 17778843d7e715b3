package io.scalinglab.trainer.corpus;

import java.util.Objects;

/**
 * One document's text, ready for a tokenizer; never blank.
 *
 * @param text the document, as the corpus holds it (only the separated-text format trims it)
 */
public record Document(String text) implements Record {
  private static final long serialVersionUID = 1L;

  public Document {
    Objects.requireNonNull(text, "text");
  }
}
