package io.scalinglab.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.ResultsStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a relaunched driver may take a sweep's lock over, with real heartbeats of one second: at
 * once when the holder is another application that missed two heartbeats, never while the holder
 * beats, and only after the stale limit when the holder cannot be told apart (same application, or
 * a lock that does not name one).
 */
class SweepLockTest {
  static final int BEAT = 1;
  static final int STALE = 600;
  @TempDir Path tmp;
  ResultsStore store;
  org.apache.hadoop.fs.Path dir;

  @BeforeEach
  void open() {
    store = ResultsStore.open(tmp.toUri().toString(), new Configuration());
    dir = store.sweepDir("locked");
  }

  @Test
  void anotherApplicationTakesOverOnceTheHolderHasMissedTwoHeartbeats() throws Exception {
    SweepLock dead = SweepLock.acquire(store, dir, "first driver", "app-1", BEAT, STALE, l -> {});
    dead.abandon();
    long died = store.fs().getFileStatus(dead.path()).getModificationTime();
    InputException early =
        assertThrows(InputException.class, () -> acquire("app-2", new ArrayList<>()));
    assertTrue(early.getMessage().contains("first driver"), early.getMessage());
    Thread.sleep(Math.max(0, died + 2000L * BEAT + 100 - System.currentTimeMillis()));
    List<String> log = new ArrayList<>();
    try (SweepLock taken = acquire("app-2", log)) {
      assertEquals(1, log.size(), log.toString());
      assertTrue(log.get(0).contains("at once"), log.get(0));
      assertTrue(log.get(0).contains("first driver"), log.get(0));
    }
  }

  @Test
  void aHolderThatKeepsItsHeartbeatIsNeverTakenOver() throws Exception {
    try (SweepLock live = SweepLock.acquire(store, dir, "live", "app-1", BEAT, STALE, l -> {})) {
      Thread.sleep(3200L * BEAT);
      InputException e = assertThrows(InputException.class, () -> acquire("app-2", List.of()));
      assertTrue(e.getMessage().contains("another sweep is running"), e.getMessage());
    }
  }

  @Test
  void theSameApplicationOrAnUnnamedOneWaitsForTheStaleLimit() throws IOException {
    for (String holder : List.of("app-1", "")) {
      SweepLock dead = SweepLock.acquire(store, dir, "first", holder, BEAT, STALE, l -> {});
      dead.abandon();
      store.fs().setTimes(dead.path(), System.currentTimeMillis() - 60_000, -1);
      assertThrows(InputException.class, () -> acquire("app-1", List.of()), holder);
      store.fs().setTimes(dead.path(), System.currentTimeMillis() - 1000L * STALE - 1000, -1);
      List<String> log = new ArrayList<>();
      acquire("app-1", log).close();
      assertTrue(log.get(0).contains("taking over the stale lock"), log.toString());
    }
  }

  private SweepLock acquire(String application, List<String> log) {
    return SweepLock.acquire(store, dir, "second driver", application, BEAT, STALE, log::add);
  }
}
