package io.inferwatt.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configuration of a study: every setting, engine and board.
 *
 * @param key stable identity within the study: a hash of board, engine, seed, protocol and settings
 *     (16 hex digits), so that a resumed study recognises what it already measured
 * @param index position in the study (0 = first)
 * @param sweep the sweep that first produced it
 * @param settings engine settings ({@code model}, {@code batch}, {@code mode}, {@code input}), then
 *     board knobs in the board's order
 */
public record Configuration(String key, int index, String sweep, Map<String, String> settings) {
  public Configuration {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** The settings as {@code k=v} joined by spaces, for people. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    settings.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return sb.toString();
  }
}
