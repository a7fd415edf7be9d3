package io.inferwatt.core.io;

import io.inferwatt.core.EventLog;
import java.util.Map;

/**
 * The content of an events JSONL file.
 *
 * @param events the inference, layer and phase events
 * @param meta the fields of its {@code meta} lines (board, simulated, settings, ...), in order
 */
public record EventsFile(EventLog events, Map<String, Object> meta) {

  public EventsFile {
    meta = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(meta));
  }

  /** Whether a {@code meta} line says the numbers are simulated. */
  public boolean simulated() {
    return Boolean.TRUE.equals(meta.get("simulated"));
  }
}
