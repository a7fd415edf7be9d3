package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.hardware.ProcessRunner;
import io.inferwatt.hardware.Rail;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tegrastats source through a runner that hands back recorded output. */
class TegrastatsSourceTest {

  @TempDir Path root;

  static final class Recorded implements ProcessRunner {
    final List<String> output;
    final List<List<String>> started = new ArrayList<>();
    boolean closed;

    Recorded(List<String> output) {
      this.output = output;
    }

    @Override
    public Running start(List<String> command) {
      started.add(command);
      BufferedReader r = new BufferedReader(new StringReader(String.join("\n", output) + "\n"));
      return new Running() {
        @Override
        public BufferedReader stdout() {
          return r;
        }

        @Override
        public void close() {
          closed = true;
        }
      };
    }
  }

  @Test
  void readsOneLinePerReadAndDropsNc() {
    FakeTrees.write(root.resolve("usr/bin/tegrastats"), "#!/bin/sh\n");
    Recorded runner = new Recorded(TegrastatsParserTest.fixture("jp5-agx-orin-l4t35.1.txt"));
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    TegrastatsSource.probe(root, runner, 50, present, absent);
    assertThat(absent).isEmpty();
    try (PowerSource s = present.get(0)) {
      assertThat(runner.started.get(0)).endsWith("--interval", "50");
      assertThat(s.rails())
          .extracting(Rail::label)
          .containsExactly(
              "VDD_GPU_SOC",
              "VDD_CPU_CV",
              "VIN_SYS_5V0",
              "VDDQ_VDD2_1V8AO",
              "sum(VDD_GPU_SOC,VDD_CPU_CV,VIN_SYS_5V0)");
      assertThat(s.readWaitsForValue()).isTrue();
      assertThat(s.updatePeriodNs()).hasValue(50_000_000L);
      assertThat(s.read().powerMw()).containsExactly(2390, 796, 3522, 301, 6708);
      Reading second = s.read();
      assertThat(second.powerMw()).containsExactly(2788, 995, 3622, 401, 7405);
      assertThat(second.voltageMv()[0]).isNaN();
      Reading ended = s.read();
      assertThat(ended.allMissing()).isTrue();
      assertThat(ended.error()).contains("tegrastats ended");
    }
    assertThat(runner.closed).isTrue();
  }

  @Test
  void noPowerFieldsIsAbsentWithReason() {
    FakeTrees.write(root.resolve("usr/bin/tegrastats"), "#!/bin/sh\n");
    Recorded runner = new Recorded(List.of("RAM 331/3964MB (lfb 758x4MB)"));
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    TegrastatsSource.probe(root, runner, 50, present, absent);
    assertThat(present).isEmpty();
    assertThat(absent.get(0).reason()).contains("no power fields");
  }

  @Test
  void missingToolIsAbsent() {
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    TegrastatsSource.probe(root, new Recorded(List.of()), 50, present, absent);
    assertThat(absent.get(0).reason()).startsWith("no tool:");
  }
}
