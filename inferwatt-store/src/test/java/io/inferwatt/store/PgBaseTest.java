package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Base URLs and where their passwords come from (no server needed). */
class PgBaseTest {
  @TempDir Path dir;

  @Test
  void aUrlNamesHostPortDatabaseUserAndTls() {
    PgBase b =
        PgBase.parse("postgresql://lab@db.example.org:6432/inferwatt?sslmode=verify-full", null);
    assertThat(b.host()).isEqualTo("db.example.org");
    assertThat(b.port()).isEqualTo(6432);
    assertThat(b.database()).isEqualTo("inferwatt");
    assertThat(b.user()).isEqualTo("lab");
    assertThat(b.params()).containsEntry("sslmode", "verify-full");
    assertThat(b.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:6432/inferwatt");
    assertThat(PgBase.parse("postgres://u@[::1]/d", null).host()).isEqualTo("[::1]");
    assertThat(PgBase.parse("postgresql://u@h/d", null).port()).isEqualTo(5432);
    assertThat(PgBase.isUrl("runs.duckdb")).isFalse();
  }

  @Test
  void badUrlsAreBadInputAndNeverEchoASecret() {
    for (String url :
        List.of(
            "postgresql://u:s3cret@h/d",
            "postgresql://h",
            "postgresql://u@h/d?password=s3cret",
            "postgresql://u@h/d?sslmode=maybe",
            "postgresql://u@h:99999/d")) {
      assertThatThrownBy(() -> PgBase.parse(url, null))
          .as(url)
          .isInstanceOf(BadInput.class)
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void thePasswordFileWinsAndPgpassMatchesWithWildcardsAndEscapes() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "from-file\nignored\n");
    assertThat(PgBase.parse("postgresql://u@h/d", pw).password()).isEqualTo("from-file");
    PgBase b = PgBase.parse("postgresql://lab@db:5433/inferwatt", null);
    assertThat(
            b.fromPgpass(
                List.of(
                    "# comment",
                    "db:5432:inferwatt:lab:wrong-port",
                    "db:*:other:lab:wrong-db",
                    "*:5433:inferwatt:lab:pa\\:ss\\\\word",
                    "db:5433:inferwatt:lab:later")))
        .isEqualTo("pa:ss\\word");
    assertThat(b.fromPgpass(List.of("x:1:y:z:w"))).isNull();
    assertThat(b.toString()).isEqualTo("postgresql://lab@db:5433/inferwatt");
  }
}
