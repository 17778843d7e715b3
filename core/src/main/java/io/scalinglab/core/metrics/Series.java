package io.scalinglab.core.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;

/**
 * One metric read from a field of its owner: declared once, registered in the JVM's registry and
 * again in the throwaway registry a Pushgateway push is rendered from.
 *
 * @param name Micrometer name ({@code scalinglab.step.seconds})
 * @param baseUnit unit Prometheus appends unless the name ends in it; null for none
 * @param help the {@code # HELP} text
 * @param counter a monotonic counter (exported with {@code _total}) rather than a gauge
 * @param value reads the current value from the owner
 */
record Series<T>(
    String name, String baseUnit, String help, boolean counter, ToDoubleFunction<T> value) {

  static <T> Series<T> gauge(String name, String baseUnit, String help, ToDoubleFunction<T> value) {
    return new Series<>(name, baseUnit, help, false, value);
  }

  static <T> Series<T> counter(
      String name, String baseUnit, String help, ToDoubleFunction<T> value) {
    return new Series<>(name, baseUnit, help, true, value);
  }

  /**
   * Registers this series of {@code owner} with {@code tags}. Gauges hold their owner strongly, so
   * a value never turns NaN because its holder was collected while it is registered.
   */
  Meter register(MeterRegistry registry, Tags tags, T owner) {
    if (counter) {
      return FunctionCounter.builder(name, owner, value)
          .baseUnit(baseUnit)
          .description(help)
          .tags(tags)
          .register(registry);
    }
    return Gauge.builder(name, owner, value)
        .baseUnit(baseUnit)
        .description(help)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }
}
