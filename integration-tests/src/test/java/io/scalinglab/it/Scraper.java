package io.scalinglab.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Scrapes HTTP endpoints in the background, as Prometheus would, until closed: every answer with
 * status 200 is kept with the URI that gave it. Endpoints that are not up yet are tried again on
 * the next round.
 */
final class Scraper implements AutoCloseable {
  /** One answered scrape. */
  record Scrape(URI uri, String body) {}

  private final List<Scrape> scrapes = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private Scraper(List<URI> targets, Duration interval) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    thread =
        new Thread(
            () -> {
              while (running) {
                for (URI uri : targets) {
                  try {
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                      scrapes.add(new Scrape(uri, r.body()));
                    }
                  } catch (IOException notUp) {
                    // not started yet, or gone: the next round tries again
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                try {
                  Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "scraper");
    thread.setDaemon(true);
  }

  /** Starts scraping {@code targets} every {@code interval}. */
  static Scraper start(List<URI> targets, Duration interval) {
    Scraper s = new Scraper(targets, interval);
    s.thread.start();
    return s;
  }

  /** What was scraped so far. */
  List<Scrape> scrapes() {
    return List.copyOf(scrapes);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
