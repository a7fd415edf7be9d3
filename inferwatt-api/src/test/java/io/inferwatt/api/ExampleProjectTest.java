package io.inferwatt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.sensors.PowerSource;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds and runs {@code examples/energy-api} against the API built here, with the very commands
 * {@code docs/api.md} tells a user to run (read from the page). The freshly built jars and poms
 * (parent, core, hardware, api) go into a temporary local repository; third-party artifacts come
 * from {@code ~/.m2/repository}, read as a {@code file://} mirror, so nothing is written to {@code
 * ~/.m2} and nothing is downloaded.
 */
class ExampleProjectTest {

  @TempDir Path tmp;

  private static Path mvn() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "mvn");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The module folder of the code that holds {@code c} (its target/classes or target/x.jar). */
  private static Path module(Class<?> c) throws Exception {
    Path loc = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    return loc.getParent().getParent(); // .../module/target/{classes,x.jar}
  }

  private static Path jarOf(Class<?> c, Path out) throws Exception {
    Path loc = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isRegularFile(loc)) {
      return loc;
    }
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(out));
        Stream<Path> files = Files.walk(loc)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        j.putNextEntry(new JarEntry(loc.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
    return out;
  }

  private static void install(Path repo, String artifact, Path pom, Path jar) throws IOException {
    Path dir = repo.resolve("io/inferwatt/" + artifact + "/0.1.0-SNAPSHOT");
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifact + "-0.1.0-SNAPSHOT.pom"));
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifact + "-0.1.0-SNAPSHOT.jar"));
    }
  }

  private static String run(List<String> cmd, Path dir, Path sysRoot) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put(MeterOptions.ROOT_ENV, sysRoot.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (var in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + text).isZero();
    return text;
  }

  @Test
  void theExampleProjectBuildsAgainstTheApiAndMeasures() throws Exception {
    Path mvn = mvn();
    assumeTrue(mvn != null, "mvn is not on the PATH: the example project cannot be built");
    Path api = Path.of(System.getProperty("inferwatt.api.basedir"));
    Path top = api.getParent();
    Path repo = tmp.resolve("local-repo");
    install(repo, "inferwatt-parent", top.resolve("pom.xml"), null);
    install(
        repo,
        "inferwatt-core",
        module(PowerSample.class).resolve("pom.xml"),
        jarOf(PowerSample.class, tmp.resolve("core.jar")));
    install(
        repo,
        "inferwatt-hardware",
        module(PowerSource.class).resolve("pom.xml"),
        jarOf(PowerSource.class, tmp.resolve("hardware.jar")));
    install(
        repo,
        "inferwatt-api",
        api.resolve("pom.xml"),
        jarOf(PowerMeter.class, tmp.resolve("api.jar")));
    Path settings = tmp.resolve("settings.xml");
    Files.writeString(
        settings,
        "<settings><mirrors><mirror><id>home-m2</id><mirrorOf>*</mirrorOf><url>"
            + Path.of(System.getProperty("user.home"), ".m2", "repository").toUri()
            + "</url></mirror></mirrors></settings>\n");
    // a copy of the checkout's examples/ folder, so that the documented `cd` works as written
    Path checkout = tmp.resolve("checkout");
    Path project = checkout.resolve("examples/energy-api");
    Path source = top.resolve("examples/energy-api");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = source.relativize(f);
        if (rel.startsWith("target")) {
          continue;
        }
        Path to = project.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    // Maven reads .mvn/maven.config of the project it runs in: the temporary repository and the
    // offline mirror go there, so the documented commands run unchanged
    Files.createDirectories(project.resolve(".mvn"));
    Files.writeString(
        project.resolve(".mvn/maven.config"),
        "-B -Dstyle.color=never -s " + settings + " -Dmaven.repo.local=" + repo + "\n");
    Path sysRoot = tmp.resolve("sysfs");
    FakeNano.write(sysRoot, 2300, 400, 700);
    List<String> steps = documentedSteps(top.resolve("docs/api.md"));
    assertThat(steps)
        .as("the steps docs/api.md gives under 'Example project'")
        .anyMatch(l -> l.startsWith("cd examples/energy-api"))
        .anyMatch(l -> l.contains("dependency:build-classpath"))
        .anyMatch(l -> l.contains("example.EnergyExample"));
    // the steps exactly as documented, in one shell (the `cd` carries over), failing at the first
    String script = "set -eu\n" + String.join("\n", steps) + "\n";
    String out = run(List.of("bash", "-c", script), checkout, sysRoot);
    assertThat(Files.readString(project.resolve("target/classpath.txt")))
        .contains("inferwatt-api-0.1.0-SNAPSHOT.jar")
        .contains("jna");
    assertThat(out).contains("window work:").containsPattern("rail in: [0-9.]+ mJ");
    assertThat(out).contains("mean 2300.0 mW");
    // nothing of ours went to the user's repository
    assertThat(
            Files.exists(
                Path.of(
                    System.getProperty("user.home"),
                    ".m2/repository/io/inferwatt/inferwatt-api/0.1.0-SNAPSHOT/inferwatt-api-0.1.0-SNAPSHOT.jar")))
        .as("the test must not install into ~/.m2")
        .isEqualTo(alreadyInHome);
  }

  /**
   * The lines of the first {@code sh} block after the heading "Example project" in {@code doc}: the
   * steps a user is told to run.
   */
  static List<String> documentedSteps(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc);
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith("## Example project")) {
      i++;
    }
    while (i < lines.size() && !lines.get(i).strip().equals("```sh")) {
      i++;
    }
    List<String> steps = new ArrayList<>();
    for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
      if (!lines.get(i).isBlank() && !lines.get(i).strip().startsWith("#")) {
        steps.add(lines.get(i).strip());
      }
    }
    return steps;
  }

  private static final boolean alreadyInHome =
      Files.exists(
          Path.of(
              System.getProperty("user.home"),
              ".m2/repository/io/inferwatt/inferwatt-api/0.1.0-SNAPSHOT/inferwatt-api-0.1.0-SNAPSHOT.jar"));
}
