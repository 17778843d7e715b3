package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped sweep-lock settings and the Kubernetes operator's retry interval agree: a driver the
 * operator relaunches after a failure comes back {@code onFailureRetryInterval} seconds later, and
 * by then its dead predecessor's lock must have missed two heartbeats, so the relaunch takes it
 * over at once instead of being turned away ({@code SweepLock}).
 */
class LockRetryAgreementTest {
  /**
   * Seconds allowed for the clocks of two drivers' hosts to disagree: the lock's age is the new
   * driver's clock minus a time the old driver's clock wrote. NTP keeps cluster nodes within well
   * under a second; 20 s is a wide margin.
   */
  static final int CLOCK_SKEW = 20;

  private static final Pattern RETRY_INTERVAL =
      Pattern.compile("\\bonFailureRetryInterval:\\s*(\\d+)");

  @Test
  void aRelaunchedDriverFindsTheDeadLockTwoHeartbeatsOld() throws IOException {
    Config reference =
        ConfigFactory.parseFile(Repo.path("core/src/main/resources/reference.conf").toFile());
    int heartbeat = reference.getInt("sweep.lock-heartbeat");
    int stale = reference.getInt("sweep.lock-stale-after");
    List<String> intervals = new ArrayList<>();
    for (String dir : List.of("k8s", "deploy")) {
      try (Stream<Path> files = Files.walk(Repo.path(dir))) {
        for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).toList()) {
          Matcher m = RETRY_INTERVAL.matcher(Files.readString(f));
          while (m.find()) {
            int interval = Integer.parseInt(m.group(1));
            intervals.add(Repo.root().relativize(f) + ": " + interval);
            assertTrue(
                2 * heartbeat + CLOCK_SKEW <= interval,
                Repo.root().relativize(f)
                    + " relaunches a failed driver after "
                    + interval
                    + " s, but two sweep.lock-heartbeat periods ("
                    + heartbeat
                    + " s) and "
                    + CLOCK_SKEW
                    + " s of clock skew need "
                    + (2 * heartbeat + CLOCK_SKEW)
                    + " s: lower the heartbeat or raise the interval");
          }
        }
      }
    }
    assertFalse(intervals.isEmpty(), "no onFailureRetryInterval in k8s/ or deploy/");
    assertTrue(stale > 2 * heartbeat, "sweep.lock-stale-after " + stale + " s");
  }
}
