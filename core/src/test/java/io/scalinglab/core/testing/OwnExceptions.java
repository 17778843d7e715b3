package io.scalinglab.core.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.scalinglab.core.error.ScalinglabException;
import java.time.Duration;

/** The check of the fuzz tests: an input is handled or refused with the project's exception. */
public final class OwnExceptions {
  /** A call taking longer than this counts as a hang. */
  public static final Duration LIMIT = Duration.ofSeconds(10);

  private OwnExceptions() {}

  /**
   * Runs {@code action}: passes if it returns within {@link #LIMIT} or throws a {@link
   * ScalinglabException} with a message; any other exception, or a hang, fails.
   */
  public static void only(Runnable action) {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try {
            action.run();
          } catch (ScalinglabException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
              throw new AssertionError("an exception without a message", expected);
            }
          }
        });
  }
}
