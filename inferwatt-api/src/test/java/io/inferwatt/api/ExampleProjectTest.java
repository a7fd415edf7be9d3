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
 * Builds and runs {@code examples/energy-api} against the API built here. The freshly built jars
 * and poms (parent, core, hardware, api) go into a temporary local repository; third-party
 * artifacts come from {@code ~/.m2/repository}, read as a {@code file://} mirror, so nothing is
 * written to {@code ~/.m2} and nothing is downloaded.
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
    Path project = tmp.resolve("energy-api");
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
    Path sysRoot = tmp.resolve("sysfs");
    FakeNano.write(sysRoot, 2300, 400, 700);
    List<String> build = new ArrayList<>();
    build.addAll(
        List.of(
            mvn.toString(),
            "-B",
            "-q",
            "-Dstyle.color=never",
            "-s",
            settings.toString(),
            "-Dmaven.repo.local=" + repo,
            "compile"));
    run(build, project, sysRoot);
    // the runtime class path: the example's classes and the jars its build resolved into the
    // temporary repository (ours, JNA, EJML); the build's own plugins are left out
    StringBuilder cp = new StringBuilder(project.resolve("target/classes").toString());
    try (Stream<Path> jars = Files.walk(repo)) {
      for (Path j : (Iterable<Path>) jars::iterator) {
        String rel = repo.relativize(j).toString();
        if (rel.endsWith(".jar")
            && (rel.startsWith("io/inferwatt/")
                || rel.startsWith("net/java/dev/jna/")
                || rel.startsWith("org/ejml/"))) {
          cp.append(File.pathSeparator).append(j);
        }
      }
    }
    assertThat(cp.toString()).contains("inferwatt-api-0.1.0-SNAPSHOT.jar").contains("jna");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String out =
        run(
            List.of(java.toString(), "-cp", cp.toString(), "example.EnergyExample"),
            project,
            sysRoot);
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

  private static final boolean alreadyInHome =
      Files.exists(
          Path.of(
              System.getProperty("user.home"),
              ".m2/repository/io/inferwatt/inferwatt-api/0.1.0-SNAPSHOT/inferwatt-api-0.1.0-SNAPSHOT.jar"));
}
