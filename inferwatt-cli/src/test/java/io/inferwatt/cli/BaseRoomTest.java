package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The room check before a study: the disk of a base that does not exist yet, and a refusal. */
class BaseRoomTest {
  @TempDir Path dir;

  @Test
  void theDiskOfABaseNotYetCreatedIsTheDiskOfItsNearestFolder() {
    Path base = dir.resolve("not").resolve("yet").resolve("b.duckdb");
    assertThat(BaseRoom.usableBytes(base)).isPositive();
    BaseRoom.check(base, 1024, KeepRaw.ALL); // a KiB fits
  }

  @Test
  void aStudyLargerThanTheDiskIsRefusedInOneLine() {
    Path base = dir.resolve("b.duckdb");
    double exabyte = Math.pow(2, 60);
    assertThatThrownBy(() -> BaseRoom.check(base, exabyte, KeepRaw.SUMMARY))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("the measurement base " + base + " would grow by about 1.00 EiB")
        .hasMessageContaining("(--keep-raw summary)")
        .hasMessageNotContaining("\n");
  }
}
