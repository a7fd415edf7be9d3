package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A type is public only if code outside its package uses it: every public top-level type of every
 * module's main sources must be named by another module's main sources, or by another package of
 * its own module (which Java can only allow through {@code public}), or be a service provider that
 * {@code ServiceLoader} finds through {@code META-INF/services} (which must be public), or be one
 * of the exceptions below, each with its reason. A new public type that nothing outside its package
 * uses fails here; make it package-private.
 */
class PublicSurfaceTest {

  /** Public types nothing outside their package names, and why each stays public. */
  static final Map<String, String> EXCEPTIONS =
      Map.ofEntries(
          // the in-process API is published for other programs (docs/api.md)
          Map.entry("io.inferwatt.api.Measurement", "the API module's published type"),
          Map.entry("io.inferwatt.api.MeterOptions", "the API module's published type"),
          Map.entry("io.inferwatt.api.PowerMeter", "the API module's published type"),
          Map.entry("io.inferwatt.api.RailEstimate", "the API module's published type"),
          Map.entry("io.inferwatt.api.Window", "the API module's published type"),
          Map.entry(
              "io.inferwatt.jmh.EnergyProfiler", "JMH loads it by name (-prof), a published type"),
          Map.entry("io.inferwatt.cli.Main", "the program's entry point (the jar's Main-Class)"),
          Map.entry(
              "io.inferwatt.hardware.sensors.LoggerBench",
              "a main class started by name (java -cp ... LoggerBench)"),
          Map.entry(
              "io.inferwatt.store.QueryResult",
              "the return type of SqlConsole.query, a method of a public interface"),
          // packages another helper changes at the same time (the GPU board): their visibility
          // is left as it is until that work has merged, so that its new classes still compile
          Map.entry("io.inferwatt.engines.sim.GroundTruth", "engines.sim is being extended"),
          Map.entry("io.inferwatt.engines.sim.RailPowerMw", "engines.sim is being extended"),
          Map.entry("io.inferwatt.hardware.knobs.Restorable", "hardware.knobs is being extended"),
          Map.entry("io.inferwatt.hardware.knobs.RestoreStep", "hardware.knobs is being extended"),
          Map.entry(
              "io.inferwatt.hardware.sensors.EpochToMonotonic",
              "hardware.sensors is being extended"));

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*"
              + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

  record Source(String module, String pkg, String text) {}

  static List<Source> sources(Path root) throws IOException {
    List<Source> out = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path m :
          modules.filter(p -> p.getFileName().toString().startsWith("inferwatt-")).toList()) {
        Path main = m.resolve("src/main/java");
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(main)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
            String text = Files.readString(f);
            Matcher pm = PACKAGE.matcher(text);
            out.add(new Source(m.getFileName().toString(), pm.find() ? pm.group(1) : "", text));
          }
        }
      }
    }
    return out;
  }

  /** The classes every module's {@code META-INF/services} files name. */
  static Set<String> serviceProviders(Path root) throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f :
          files
              .filter(p -> p.getParent() != null && p.getParent().endsWith("META-INF/services"))
              .filter(p -> p.toString().contains("src" + java.io.File.separator + "main"))
              .toList()) {
        Files.readAllLines(f).stream()
            .map(l -> l.replaceFirst("#.*", "").trim())
            .filter(l -> !l.isEmpty())
            .forEach(out::add);
      }
    }
    return out;
  }

  /** The public top-level types that no other package names and that are not exceptions. */
  static TreeSet<String> tooPublic(List<Source> sources, Set<String> providers) {
    TreeSet<String> out = new TreeSet<>();
    for (Source s : sources) {
      Matcher m = PUBLIC_TYPE.matcher(s.text());
      while (m.find()) {
        String name = m.group(1);
        Pattern use = Pattern.compile("\\b" + name + "\\b");
        boolean used =
            sources.stream()
                .anyMatch(o -> !o.pkg().equals(s.pkg()) && use.matcher(o.text()).find());
        String fqn = s.pkg() + "." + name;
        if (!used && !providers.contains(fqn) && !EXCEPTIONS.containsKey(fqn)) {
          out.add(fqn + " (" + s.module() + ")");
        }
      }
    }
    return out;
  }

  @Test
  void everyPublicTypeIsUsedOutsideItsPackageOrIsAnException() throws IOException {
    List<Source> sources = sources(Path.of(".."));
    assertThat(sources).hasSizeGreaterThan(100);
    assertThat(tooPublic(sources, serviceProviders(Path.of("..")))).isEmpty();
  }

  @Test
  void theScanFindsATypeThatOnlyItsOwnPackageUses() {
    List<Source> sources =
        List.of(
            new Source("inferwatt-x", "a", "package a;\npublic final class Lonely {}\n"),
            new Source("inferwatt-x", "a", "package a;\nfinal class User { Lonely l; }\n"),
            new Source("inferwatt-y", "b", "package b;\npublic record Shared() {}\n"),
            new Source("inferwatt-z", "c", "package c;\nclass C { b.Shared s; }\n"));
    assertThat(tooPublic(sources, Set.of())).containsExactly("a.Lonely (inferwatt-x)");
    assertThat(tooPublic(sources, Set.of("a.Lonely"))).isEmpty();
  }

  @Test
  void everyExceptionIsStillAPublicType() throws IOException {
    TreeSet<String> declared = new TreeSet<>();
    for (Source s : sources(Path.of(".."))) {
      Matcher m = PUBLIC_TYPE.matcher(s.text());
      while (m.find()) {
        declared.add(s.pkg() + "." + m.group(1));
      }
    }
    assertThat(declared).containsAll(EXCEPTIONS.keySet());
  }
}
