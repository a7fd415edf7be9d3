package io.inferwatt.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report page's fixed parts as resources next to this class: {@code page.html} (the skeleton,
 * with {@code {{slot}}} places), {@code report.css} and {@code report.js}. Edit them as files.
 */
final class PageTemplate {

  private static final Pattern SLOT = Pattern.compile("\\{\\{([a-z]+)}}");
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private PageTemplate() {}

  private static int body(Map<String, String> slots) {
    return slots.values().stream().mapToInt(String::length).sum();
  }

  /** The text of resource {@code name}. */
  static String resource(String name) {
    return CACHE.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = PageTemplate.class.getResourceAsStream(n)) {
            if (in == null) {
              throw new IllegalStateException("the report resource " + n + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report resource " + n, e);
          }
        });
  }

  /**
   * {@code template} with each {@code {{slot}}} replaced by its value, in one pass (a value is
   * never read as a template).
   *
   * @throws IllegalArgumentException naming a slot without a value
   */
  static String fill(String template, Map<String, String> slots) {
    Matcher m = SLOT.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + body(slots));
    while (m.find()) {
      String v = slots.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException("the report template has no value for " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
