package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lock that keeps two sweeps from writing one sweep folder at once: {@code <sweep>/sweep.lock},
 * created only if absent (one atomic step on HDFS), holding its owner (host, process, user,
 * application, start time). The owner refreshes the file's modification time every heartbeat; a
 * lock whose time is older than the stale limit belonged to a driver that died and is taken over,
 * with its owner printed.
 */
public final class SweepLock implements AutoCloseable {
  private static final ObjectMapper JSON = Json.MAPPER;

  private final FileSystem fs;
  private final Path path;
  private final ScheduledExecutorService heartbeat;

  private SweepLock(FileSystem fs, Path path, ScheduledExecutorService heartbeat) {
    this.fs = fs;
    this.path = path;
    this.heartbeat = heartbeat;
  }

  /**
   * Takes the lock of {@code sweepDir}.
   *
   * @param owner what to record as the owner besides host, process and user (an application id)
   * @throws InputException if a live sweep holds it, naming the owner, its age and the way out
   */
  public static SweepLock acquire(
      ResultsStore store,
      Path sweepDir,
      String owner,
      int heartbeatSeconds,
      int staleAfterSeconds,
      Consumer<String> log) {
    FileSystem fs = store.fs();
    Path path = new Path(sweepDir, "sweep.lock");
    ObjectNode me = JSON.createObjectNode();
    me.put("host", hostName());
    me.put("pid", ProcessHandle.current().pid());
    me.put("user", System.getProperty("user.name"));
    me.put("owner", owner);
    me.put("started", Instant.now().toString());
    byte[] content = (me.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      fs.mkdirs(sweepDir);
      if (!create(fs, path, content)) {
        FileStatus st;
        String holder;
        try {
          st = fs.getFileStatus(path);
          holder = describe(new String(readAll(fs, path), StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException gone) {
          return acquire(store, sweepDir, owner, heartbeatSeconds, staleAfterSeconds, log);
        }
        long ageSeconds = (System.currentTimeMillis() - st.getModificationTime()) / 1000;
        if (ageSeconds < staleAfterSeconds) {
          throw InputException.of(
              sweepDir.toString(),
              "another sweep is running in this folder: locked by "
                  + holder
                  + ", refreshed "
                  + ageSeconds
                  + " s ago",
              "Wait for it to finish, or give this sweep another train.sweep name. If that"
                  + " driver is dead, its lock is taken over automatically once it is "
                  + staleAfterSeconds
                  + " s old (sweep.lock-stale-after), or delete "
                  + path
                  + " by hand");
        }
        log.accept(
            "taking over the stale lock of "
                + sweepDir
                + ": held by "
                + holder
                + ", not refreshed for "
                + ageSeconds
                + " s (its driver is gone)");
        fs.delete(path, false);
        if (!create(fs, path, content)) {
          throw InputException.of(
              sweepDir.toString(),
              "another sweep took the stale lock at the same moment",
              "Run the sweep again once the other one has finished");
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot lock " + sweepDir + " (" + path + "): " + e, e);
    }
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sweep-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    beat.scheduleAtFixedRate(
        () -> {
          try {
            fs.setTimes(path, System.currentTimeMillis(), -1);
          } catch (IOException | RuntimeException e) {
            log.accept("could not refresh the sweep lock " + path + ": " + e);
          }
        },
        heartbeatSeconds,
        heartbeatSeconds,
        TimeUnit.SECONDS);
    return new SweepLock(fs, path, beat);
  }

  /** The lock file. */
  public Path path() {
    return path;
  }

  /** Stops the heartbeat and deletes the lock. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new StoreException("cannot release the sweep lock " + path + ": " + e, e);
    }
  }

  private static boolean create(FileSystem fs, Path path, byte[] content) throws IOException {
    try (OutputStream out = fs.create(path, false)) {
      out.write(content);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) {
        return false; // some file systems report the clash as a plain IOException
      }
      throw e;
    }
  }

  private static byte[] readAll(FileSystem fs, Path path) throws IOException {
    try (var in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  private static String describe(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return String.format(
          "%s (pid %s, user %s, %s) since %s",
          n.path("host").asText("?"),
          n.path("pid").asText("?"),
          n.path("user").asText("?"),
          n.path("owner").asText("?"),
          n.path("started").asText("?"));
    } catch (IOException e) {
      return "an unreadable owner record";
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }
}
