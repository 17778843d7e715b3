package io.scalinglab.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code GET /metrics} endpoint, on the JDK's HTTP server with one daemon worker thread, so it
 * never keeps a finished driver or executor alive.
 */
final class ScrapeServer implements AutoCloseable {
  /** Ports tried above the configured one when it is busy (executors sharing a host). */
  static final int PORT_TRIES = 100;

  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(ScrapeServer.class);

  private final HttpServer server;
  private final ExecutorService worker;

  private ScrapeServer(HttpServer server, ExecutorService worker) {
    this.server = server;
    this.worker = worker;
  }

  /**
   * Serves {@code scrape} on the first free port of {@code port .. port + 100} (at most 65535).
   *
   * @return the running server; empty, with a warning logged, when no port could be bound
   */
  static Optional<ScrapeServer> start(String host, int port, Supplier<String> scrape) {
    int last = Math.min(65535, port + PORT_TRIES);
    for (int p = port; p <= last; p++) {
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, p), 0);
      } catch (BindException e) {
        continue;
      } catch (IOException | RuntimeException e) {
        LOG.warn("metrics endpoint not started on {}:{}: {}", host, p, e.toString());
        return Optional.empty();
      }
      ExecutorService worker =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "scalinglab-metrics-http");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(worker);
      server.createContext(PATH, exchange -> handle(exchange, scrape));
      try {
        startAsDaemon(server);
      } catch (RuntimeException e) {
        server.stop(0);
        worker.shutdownNow();
        LOG.warn("metrics endpoint not started on {}:{}: {}", host, p, e.toString());
        return Optional.empty();
      }
      int bound = server.getAddress().getPort();
      if (bound != port) {
        LOG.info("metrics port {} is busy; serving http://{}:{}{}", port, host, bound, PATH);
      } else {
        LOG.info("serving metrics on http://{}:{}{}", host, bound, PATH);
      }
      return Optional.of(new ScrapeServer(server, worker));
    }
    LOG.warn(
        "metrics endpoint not started: ports {} to {} on {} are all busy; set metrics.port to a"
            + " free range",
        port,
        last,
        host);
    return Optional.empty();
  }

  /** The port the server is bound to. */
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    worker.shutdownNow();
  }

  /**
   * Starts the server from a daemon thread: the JDK's dispatcher thread inherits its daemon flag
   * from the thread that calls {@code start}, and a non-daemon dispatcher would keep the JVM alive.
   */
  private static void startAsDaemon(HttpServer server) {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                server.start();
              } catch (RuntimeException e) {
                failure.set(e);
              }
            },
            "scalinglab-metrics-start");
    starter.setDaemon(true);
    starter.start();
    boolean interrupted = false;
    while (true) {
      try {
        starter.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static void handle(HttpExchange exchange, Supplier<String> scrape) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }
}
