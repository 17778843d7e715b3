package io.scalinglab.cli;

import io.scalinglab.core.error.ScalinglabException;

/** A command line that cannot be run as typed: unknown flag, missing value. Exit status 2. */
final class UsageException extends ScalinglabException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
