package io.scalinglab.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The project's Jackson mapper; thread-safe once built, so shared. */
public final class Json {
  /** Pretty-printing, otherwise Jackson's defaults (unknown properties fail when binding). */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private Json() {}
}
