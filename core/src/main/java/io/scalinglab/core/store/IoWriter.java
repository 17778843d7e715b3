package io.scalinglab.core.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Code that writes one file's bytes, handed to {@link ResultsStore#writeAtomically}. It may close
 * {@code out} or leave it open; the store closes the file either way.
 */
@FunctionalInterface
public interface IoWriter {
  /** Writes the file's content to {@code out}. */
  void write(OutputStream out) throws IOException;
}
