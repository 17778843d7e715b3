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
 * application, its heartbeat period, start time). The owner refreshes the file's modification time
 * every heartbeat. A lock is taken over, with its owner printed, when its driver is gone:
 *
 * <ul>
 *   <li>at once, when it belongs to another Spark application (id and attempt) and has missed two
 *       of its own heartbeats: a live driver refreshes it every period, so two missed ones mean the
 *       driver died, which is what an operator's relaunch after a failure finds (its retry interval
 *       is longer than two heartbeats; {@code LockRetryAgreementTest} checks the shipped settings);
 *   <li>otherwise (the same application, or a lock that does not say), once it is older than the
 *       stale limit.
 * </ul>
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

  /** Takes the lock of {@code sweepDir} for an owner of no known application (see below). */
  public static SweepLock acquire(
      ResultsStore store,
      Path sweepDir,
      String owner,
      int heartbeatSeconds,
      int staleAfterSeconds,
      Consumer<String> log) {
    return acquire(store, sweepDir, owner, "", heartbeatSeconds, staleAfterSeconds, log);
  }

  /**
   * Takes the lock of {@code sweepDir}.
   *
   * @param owner what to record as the owner besides host, process and user
   * @param application the Spark application id and attempt of this driver ({@link #application}),
   *     or empty: a lock of another application that missed two heartbeats is taken over at once
   * @throws InputException if a live sweep holds it, naming the owner, its age and the way out
   */
  public static SweepLock acquire(
      ResultsStore store,
      Path sweepDir,
      String owner,
      String application,
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
    me.put("application", application);
    me.put("heartbeat_seconds", heartbeatSeconds);
    me.put("started", Instant.now().toString());
    byte[] content = (me.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      fs.mkdirs(sweepDir);
      if (!create(fs, path, content)) {
        FileStatus st;
        String holder;
        JsonNode record;
        try {
          st = fs.getFileStatus(path);
          String json = new String(readAll(fs, path), StandardCharsets.UTF_8);
          holder = describe(json);
          record = parse(json);
        } catch (java.io.FileNotFoundException gone) {
          return acquire(
              store, sweepDir, owner, application, heartbeatSeconds, staleAfterSeconds, log);
        }
        long ageMillis = System.currentTimeMillis() - st.getModificationTime();
        long ageSeconds = ageMillis / 1000;
        String theirs = record.path("application").asText("");
        long theirBeat = record.path("heartbeat_seconds").asLong(0);
        boolean gone =
            !application.isEmpty()
                && !theirs.isEmpty()
                && !theirs.equals(application)
                && theirBeat > 0
                && ageMillis >= 2000 * theirBeat;
        if (gone) {
          log.accept(
              "taking over the lock of "
                  + sweepDir
                  + " at once: held by "
                  + holder
                  + ", another application than this one ("
                  + application
                  + "), which has not refreshed it for "
                  + ageSeconds
                  + " s, two of its heartbeats of "
                  + theirBeat
                  + " s (its driver is gone)");
        } else if (ageSeconds < staleAfterSeconds) {
          throw InputException.of(
              sweepDir.toString(),
              "another sweep is running in this folder: locked by "
                  + holder
                  + ", refreshed "
                  + ageSeconds
                  + " s ago",
              "Wait for it to finish, or give this sweep another train.sweep name. If that"
                  + " driver is dead, its lock is taken over automatically once it has missed"
                  + " two heartbeats (by a driver of another Spark application) or is "
                  + staleAfterSeconds
                  + " s old (sweep.lock-stale-after), or delete "
                  + path
                  + " by hand");
        } else {
          log.accept(
              "taking over the stale lock of "
                  + sweepDir
                  + ": held by "
                  + holder
                  + ", not refreshed for "
                  + ageSeconds
                  + " s (its driver is gone)");
        }
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

  /** Stops the heartbeat and leaves the lock, as a driver that dies does (for tests). */
  void abandon() {
    heartbeat.shutdownNow();
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

  /**
   * The identity a lock records for a Spark application: its id, and its attempt where the cluster
   * manager retries applications (YARN), since a new attempt is a new driver.
   */
  public static String application(org.apache.spark.SparkContext sc) {
    String attempt = sc.applicationAttemptId().isDefined() ? sc.applicationAttemptId().get() : "";
    return sc.applicationId() + (attempt.isEmpty() ? "" : "/" + attempt);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createObjectNode();
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
