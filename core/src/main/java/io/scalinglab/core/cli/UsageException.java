package io.scalinglab.core.cli;

import io.scalinglab.core.error.ScalinglabException;

/** A command line that cannot be run as typed: unknown flag, missing value. Exit status 2. */
public final class UsageException extends ScalinglabException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
