package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.hardware.Rail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The INA3221 sources over fake sysfs trees of four boards. */
class JetsonSourcesTest {

  @TempDir Path root;
  final List<PowerSource> present = new ArrayList<>();
  final List<AbsentSource> absent = new ArrayList<>();

  private PowerSource iio() {
    Ina3221IioSource.probe(root, present, absent);
    assertThat(absent).isEmpty();
    assertThat(present).hasSize(1);
    return present.get(0);
  }

  private PowerSource hwmon() {
    Ina3221HwmonSource.probe(root, present, absent);
    assertThat(absent).isEmpty();
    assertThat(present).hasSize(1);
    return present.get(0);
  }

  @Test
  void nanoJetPack4() {
    FakeTrees.nanoJp4(root);
    try (PowerSource s = iio()) {
      assertThat(s.kind()).isEqualTo("jetson-ina3221-iio");
      assertThat(s.rails())
          .extracting(Rail::name, Rail::label, Rail::total)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("in", "POM_5V_IN", true),
              org.assertj.core.groups.Tuple.tuple("gpu", "POM_5V_GPU", false),
              org.assertj.core.groups.Tuple.tuple("cpu", "POM_5V_CPU", false));
      Reading r = s.read();
      assertThat(r.error()).isNull();
      assertThat(r.powerMw()).containsExactly(2300, 41, 371);
      assertThat(r.voltageMv()).containsExactly(5016, 5008, 5008);
      assertThat(r.currentMa()).containsExactly(458, 8, 74);
      Reading p = s.readPower();
      assertThat(p.powerMw()).containsExactly(2300, 41, 371);
      assertThat(p.voltageMv()[0]).isNaN();
      assertThat(s.updatePeriodNs()).isEmpty();
    }
  }

  @Test
  void nanoReadFailureIsANaNGapNamingTheFile() throws Exception {
    Path iio = FakeTrees.nanoJp4(root);
    try (PowerSource s = iio()) {
      s.readPower();
      FakeTrees.write(iio.resolve("in_power1_input"), "garbage\n");
      Reading r = s.readPower();
      assertThat(r.powerMw()[0]).isEqualTo(2300);
      assertThat(r.powerMw()[1]).isNaN();
      assertThat(r.error()).contains(iio.resolve("in_power1_input").toString());
      assertThat(r.allMissing()).isFalse();
    }
  }

  @Test
  void agxXavierJetPack4SumsSixRails() {
    FakeTrees.agxXavierJp4(root);
    try (PowerSource s = iio()) {
      assertThat(s.rails())
          .extracting(Rail::label)
          .containsExactly(
              "GPU", "CPU", "SOC", "CV", "VDDRQ", "SYS5V", "sum(GPU,CPU,SOC,CV,VDDRQ,SYS5V)");
      assertThat(s.rails().get(6).name()).isEqualTo("total");
      assertThat(s.rails()).filteredOn(Rail::total).hasSize(1);
      assertThat(s.read().powerMw()).containsExactly(1155, 385, 2504, 0, 192, 2692, 6928);
    }
  }

  @Test
  void orinNanoJetPack6() {
    FakeTrees.orinNanoJp6(root);
    try (PowerSource s = hwmon()) {
      assertThat(s.kind()).isEqualTo("jetson-ina3221-hwmon");
      assertThat(s.rails())
          .extracting(Rail::name, Rail::label, Rail::total)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("in", "VDD_IN", true),
              org.assertj.core.groups.Tuple.tuple("cpu_gpu_cv", "VDD_CPU_GPU_CV", false),
              org.assertj.core.groups.Tuple.tuple("soc", "VDD_SOC", false));
      Reading r = s.read();
      assertThat(r.powerMw()).containsExactly(4555, 480, 1450);
      assertThat(r.voltageMv()).containsExactly(5000, 5000, 5000);
      assertThat(r.currentMa()).containsExactly(911, 96, 290);
      assertThat(s.updatePeriodNs()).hasValue(7_000_000L);
      assertThat(s.settings())
          .containsEntry("1-0040.update_interval_ms", "7")
          .containsEntry("1-0040.samples", "1");
    }
  }

  @Test
  void agxOrinJetPack5SkipsNcAndSumsThree() {
    FakeTrees.agxOrinJp5(root);
    try (PowerSource s = hwmon()) {
      assertThat(s.rails())
          .extracting(Rail::label)
          .containsExactly(
              "VDD_GPU_SOC",
              "VDD_CPU_CV",
              "VIN_SYS_5V0",
              "VDDQ_VDD2_1V8AO",
              "sum(VDD_GPU_SOC,VDD_CPU_CV,VIN_SYS_5V0)");
      assertThat(s.rails()).filteredOn(Rail::total).extracting(Rail::name).containsExactly("total");
      double[] p = s.read().powerMw();
      assertThat(p).containsExactly(2394, 798, 3520, 300, 2394 + 798 + 3520);
    }
  }

  @Test
  void thorIna238ReportsMicrowatts() {
    Path h = root.resolve("sys/bus/i2c/drivers/ina238/2-0044/hwmon/hwmon4");
    FakeTrees.write(h.resolve("power1_input"), "19555200\n");
    FakeTrees.write(h.resolve("in1_input"), "48000\n");
    FakeTrees.write(h.resolve("curr1_input"), "407\n");
    try (PowerSource s = hwmon()) {
      assertThat(s.rails())
          .extracting(Rail::label, Rail::total)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("VIN", true));
      Reading r = s.read();
      assertThat(r.powerMw()).containsExactly(19555.2);
      assertThat(r.voltageMv()).containsExactly(48000);
    }
  }

  @Test
  void absentDriversSayWhy() {
    Ina3221IioSource.probe(root, present, absent);
    Ina3221HwmonSource.probe(root, present, absent);
    assertThat(present).isEmpty();
    assertThat(absent)
        .extracting(AbsentSource::reason)
        .allSatisfy(r -> assertThat(r).startsWith("no driver:"));
  }

  @Test
  void unreadableRailNameFallsBackToChannel() throws Exception {
    Path iio = FakeTrees.nanoJp4(root);
    Files.delete(iio.resolve("rail_name_1"));
    try (PowerSource s = iio()) {
      assertThat(s.rails().get(1).label()).isEqualTo("6-0040_ch1");
    }
  }
}
