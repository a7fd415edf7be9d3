package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NvmlLibraryTest {

  /** The driver ships only the versioned file; JNA must be given that name, not "nvidia-ml". */
  @Test
  void theVersionedDriverFileIsTheName() {
    assertThat(NvmlLibrary.FILE).isEqualTo("libnvidia-ml.so.1");
  }

  @Test
  void aMissingLibraryNamesEveryPlaceTried() {
    assumeFalse(
        Files.exists(Path.of("/usr/local/nvidia/lib64", NvmlLibrary.FILE))
            || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu", NvmlLibrary.FILE)),
        "this machine has an NVIDIA driver");
    String before = System.getProperty("inferwatt.nvml.library");
    System.setProperty("inferwatt.nvml.library", "/nowhere/libnvidia-ml.so.1");
    try {
      assertThatThrownBy(() -> NvmlLibrary.load(JnaNvml.Lib.class))
          .isInstanceOf(UnsatisfiedLinkError.class)
          .hasMessageContaining("/nowhere/libnvidia-ml.so.1")
          .hasMessageContaining(NvmlLibrary.FILE);
    } finally {
      if (before == null) {
        System.clearProperty("inferwatt.nvml.library");
      } else {
        System.setProperty("inferwatt.nvml.library", before);
      }
    }
  }
}
