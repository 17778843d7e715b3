package io.scalinglab.id.knn;

/**
 * Points that no estimate can be made from (constant data, too few points, rows with NaN), with
 * what is wrong and what to do, so a caller at an I/O boundary can name its input and pass both on
 * ({@code InputException.of(input, problem(), fix())}).
 */
public final class InvalidPointsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;
  private final String fix;

  /** {@code problem}: what is wrong; {@code fix}: what to do about it. */
  public InvalidPointsException(String problem, String fix) {
    super(problem + ". " + fix);
    this.problem = problem;
    this.fix = fix;
  }

  /** What is wrong with the points. */
  public String problem() {
    return problem;
  }

  /** What to do about it. */
  public String fix() {
    return fix;
  }
}
