package io.scalinglab.core.error;

/**
 * The results store could not be read or written (permissions, full disk, a file system that
 * refused a rename). Nothing half-written is left behind when this is thrown.
 */
public class StoreException extends ScalinglabException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
