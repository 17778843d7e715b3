package io.scalinglab.core.error;

/** Base of the documented exceptions of scalinglab; unchecked, with a message meant for users. */
public class ScalinglabException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScalinglabException(String message) {
    super(message);
  }

  public ScalinglabException(String message, Throwable cause) {
    super(message, cause);
  }
}
