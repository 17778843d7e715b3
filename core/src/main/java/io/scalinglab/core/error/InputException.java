package io.scalinglab.core.error;

/**
 * An input file or record that cannot be read: missing path, wrong format, corrupt content. Built
 * with {@link #of(String, String, String)} so every message names the input, the problem and the
 * fix.
 */
public class InputException extends ScalinglabException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A message of the form {@code <input>: <problem>. <fix>}. */
  public static InputException of(String input, String problem, String fix) {
    return new InputException(input + ": " + problem + ". " + fix);
  }

  /** As {@link #of(String, String, String)}, keeping the low-level cause. */
  public static InputException of(String input, String problem, String fix, Throwable cause) {
    return new InputException(input + ": " + problem + ". " + fix, cause);
  }
}
