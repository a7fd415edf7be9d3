package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsFileTest {

  @TempDir Path dir;

  @Test
  void rereadsFromOffsetZeroAfterInPlaceRewrite() throws IOException {
    Path p = dir.resolve("in_power0_input");
    FakeTrees.write(p, "12345\n");
    try (SysfsFile f = new SysfsFile(p)) {
      assertThat(f.readLong()).isEqualTo(12345);
      FakeTrees.write(p, "7\n");
      assertThat(f.readLong()).isEqualTo(7);
    }
  }

  @Test
  void ignoresUnitSuffixAndReadsNegative() throws IOException {
    Path p = dir.resolve("crit_power_limit_0");
    FakeTrees.write(p, "4000 mw\n");
    try (SysfsFile f = new SysfsFile(p)) {
      assertThat(f.readLong()).isEqualTo(4000);
    }
    FakeTrees.write(p, "-256\n");
    try (SysfsFile f = new SysfsFile(p)) {
      assertThat(f.readLong()).isEqualTo(-256);
    }
  }

  @Test
  void failuresNameTheFile() throws IOException {
    Path p = dir.resolve("curr1_input");
    try (SysfsFile f = new SysfsFile(p)) {
      assertThatThrownBy(f::readLong)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("vanished");
      FakeTrees.write(p, "\n");
      assertThatThrownBy(f::readLong)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("no integer");
      Files.writeString(p, "");
      assertThatThrownBy(f::readLong)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("empty");
      FakeTrees.write(p, "88\n");
      assertThat(f.readLong()).isEqualTo(88);
    }
  }
}
