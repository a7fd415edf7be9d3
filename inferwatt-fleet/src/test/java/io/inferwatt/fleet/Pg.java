package io.inferwatt.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferwatt.store.PgBase;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One scratch PostgreSQL server per test class; skipped with the reason where none can run. */
final class Pg {
  private Pg() {}

  static ScratchPostgres start() {
    var why = ScratchPostgres.unavailable();
    assumeTrue(why.isEmpty(), () -> "no PostgreSQL for this test: " + why.orElse(""));
    try {
      return ScratchPostgres.start(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PgBase base(ScratchPostgres pg) {
    return PgBase.parse(pg.url(), pg.passwordFile());
  }

  /** A fresh database on {@code pg} (each test its own), as a base. */
  static PgBase fresh(ScratchPostgres pg, String name) throws java.sql.SQLException {
    try (var c = base(pg).connect();
        var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    }
    return PgBase.parse(pg.url().replace("/postgres", "/" + name), pg.passwordFile());
  }
}
