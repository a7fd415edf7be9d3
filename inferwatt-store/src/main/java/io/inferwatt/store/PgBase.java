package io.inferwatt.store;

import io.inferwatt.core.BadInputException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A measurement base on a PostgreSQL server, named by {@code
 * postgresql://[user@]host[:port]/database[?sslmode=…]}. The password never appears in the URL, on
 * the command line or in a message: it comes from a file ({@code --password-file}), else {@code
 * PGPASSWORD}, else {@code ~/.pgpass} (or {@code PGPASSFILE}), in libpq's format.
 *
 * @param host the server
 * @param port its port (5432 by default)
 * @param database the database
 * @param user the role (the URL's, else {@code PGUSER}, else the login name)
 * @param params TLS options passed to the driver ({@code sslmode}, {@code sslrootcert}, {@code
 *     sslcert}, {@code sslkey})
 * @param passwordFile a file whose first line is the password, or null
 */
public record PgBase(
    String host,
    int port,
    String database,
    String user,
    Map<String, String> params,
    Path passwordFile) {

  private static final Pattern URL =
      Pattern.compile(
          "postgres(?:ql)?://(?:([^@/:?]+)(:[^@/?]*)?@)?(\\[[0-9a-fA-F:]+\\]|[^:/?@]+)(?::(\\d+))?/([^?/]+)(?:\\?(.*))?");

  private static final Set<String> PARAMS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey");

  private static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  public PgBase {
    params = Map.copyOf(params);
  }

  /** Whether {@code base} names a PostgreSQL base rather than a DuckDB file. */
  public static boolean isUrl(String base) {
    return base.startsWith("postgresql://") || base.startsWith("postgres://");
  }

  /**
   * Parses {@code url}.
   *
   * @throws BadInputException when it is not such a URL, holds a password, or has an option other
   *     than the TLS ones
   */
  public static PgBase parse(String url, Path passwordFile) {
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      throw new BadInputException(
          "not a PostgreSQL base URL: "
              + redact(url)
              + " (expected postgresql://[user@]host[:port]/database[?sslmode=require])");
    }
    if (m.group(2) != null) {
      throw new BadInputException(
          "the base URL holds a password; it must not (it would show in the process list and in"
              + " logs): put it in PGPASSWORD, ~/.pgpass or a file named by --password-file");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (m.group(6) != null && !m.group(6).isEmpty()) {
      for (String kv : m.group(6).split("&")) {
        int eq = kv.indexOf('=');
        String k = eq < 0 ? kv : kv.substring(0, eq);
        String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        if (!PARAMS.contains(k)) {
          throw new BadInputException(
              "base URL option '"
                  + k
                  + "' is not accepted; the options are "
                  + String.join(", ", new java.util.TreeSet<>(PARAMS)));
        }
        if (k.equals("sslmode") && !SSL_MODES.contains(v)) {
          throw new BadInputException(
              "sslmode '" + v + "' is not one of " + new java.util.TreeSet<>(SSL_MODES));
        }
        params.put(k, v);
      }
    }
    String user = m.group(1);
    if (user == null) {
      String env = System.getenv("PGUSER");
      user = env != null && !env.isEmpty() ? env : System.getProperty("user.name");
    }
    int port = m.group(4) == null ? 5432 : Integer.parseInt(m.group(4));
    if (port < 1 || port > 65535) {
      throw new BadInputException("port " + port + " of the base URL is not a port");
    }
    if (passwordFile != null && !Files.isRegularFile(passwordFile)) {
      throw new BadInputException("password file " + passwordFile + " is not a file");
    }
    return new PgBase(
        m.group(3),
        port,
        URLDecoder.decode(m.group(5), StandardCharsets.UTF_8),
        URLDecoder.decode(user, StandardCharsets.UTF_8),
        params,
        passwordFile);
  }

  /** {@code url} with anything between {@code ://} and {@code @} replaced, for messages. */
  static String redact(String url) {
    return url.replaceFirst("://[^@/]*@", "://…@");
  }

  /** The base as the user names it, without any secret. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("postgresql://").append(user).append('@').append(host);
    if (port != 5432) {
      sb.append(':').append(port);
    }
    sb.append('/').append(database);
    if (params.containsKey("sslmode")) {
      sb.append("?sslmode=").append(params.get("sslmode"));
    }
    return sb.toString();
  }

  /** The JDBC URL (no user, no password: those go as properties). */
  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** {@link #connect()}, or a {@link StoreException} that names the base and the driver's error. */
  Connection connectOrFail() {
    try {
      return connect();
    } catch (SQLException e) {
      throw new StoreException(
          "cannot connect to measurement base " + this + ": " + e.getMessage(), e);
    }
  }

  /**
   * A new connection to the base, in auto-commit mode.
   *
   * @throws SQLException the driver's error (its message never holds the password)
   */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    String password = password();
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "inferwatt");
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "300");
    p.setProperty("tcpKeepAlive", "true");
    // the driver must not read ~/.pgpass or a service file on its own: one lookup, here
    p.setProperty("sslmode", params.getOrDefault("sslmode", "prefer"));
    params.forEach(p::setProperty);
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /** The password: the file's first line, else PGPASSWORD, else the matching ~/.pgpass line. */
  String password() {
    if (passwordFile != null) {
      try {
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0).strip();
      } catch (IOException e) {
        throw new BadInputException("cannot read password file " + passwordFile, e);
      }
    }
    String env = System.getenv("PGPASSWORD");
    if (env != null) {
      return env;
    }
    String passFile = System.getenv("PGPASSFILE");
    Path pgpass =
        passFile != null ? Path.of(passFile) : Path.of(System.getProperty("user.home"), ".pgpass");
    if (!Files.isRegularFile(pgpass)) {
      return null;
    }
    try {
      return fromPgpass(Files.readAllLines(pgpass, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    }
  }

  /** The password of the first matching {@code host:port:database:user:password} line. */
  String fromPgpass(List<String> lines) {
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> f = pgpassFields(line);
      if (f.size() != 5) {
        continue;
      }
      if (matches(f.get(0), host)
          && matches(f.get(1), Integer.toString(port))
          && matches(f.get(2), database)
          && matches(f.get(3), user)) {
        return f.get(4);
      }
    }
    return null;
  }

  private static boolean matches(String pattern, String value) {
    return pattern.equals("*") || pattern.equals(value);
  }

  /** Splits a ~/.pgpass line at unescaped colons; {@code \:} and {@code \\} are literal. */
  static List<String> pgpassFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
      } else if (c == ':' && out.size() < 4) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
