package io.scalinglab.core.error;

/**
 * A config key or value that cannot be used: unknown key, wrong type, value out of range. The
 * message has the form {@code '<value>' in <key> is invalid: <why> (<file>:<line>)}.
 */
public class ConfigException extends ScalinglabException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
