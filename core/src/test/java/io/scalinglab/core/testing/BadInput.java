package io.scalinglab.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * A row of a bad-input table: an input that must be refused, and what its message must hold.
 *
 * @param what the case, for the test's name
 * @param action reads, parses or runs the input
 * @param input the name of the input the message must hold (file, key, flag)
 * @param problem a fragment that states the problem
 * @param fix a fragment that says what to do
 */
public record BadInput(String what, Executable action, String input, String problem, String fix) {
  @Override
  public String toString() {
    return what;
  }

  /** Runs the action, expecting {@code type}, and checks the message's three parts. */
  public <T extends Throwable> T refusedWith(Class<T> type) {
    T e = assertThrows(type, action, what);
    String m = e.getMessage();
    for (String part : List.of(input, problem, fix)) {
      assertTrue(m != null && m.contains(part), () -> what + ": '" + part + "' missing from: " + m);
    }
    return e;
  }
}
