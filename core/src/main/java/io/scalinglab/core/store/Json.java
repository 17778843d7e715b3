package io.scalinglab.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The project's one Jackson mapper, thread-safe once built and so shared: Jackson's defaults
 * (compact output; unknown properties fail when binding). Files people read go through {@link
 * #PRETTY}.
 */
public final class Json {
  /** Reads, binds and builds trees; writes compact JSON. */
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** Writes indented JSON: the store's files, the commands' {@code --json} output. */
  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {}
}
