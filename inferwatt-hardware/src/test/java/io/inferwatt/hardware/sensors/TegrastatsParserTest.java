package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.hardware.sensors.TegrastatsParser.RailPower;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tegrastats parser over one recorded fixture per JetPack era. */
class TegrastatsParserTest {

  static List<String> fixture(String name) {
    try (InputStream in = TegrastatsParserTest.class.getResourceAsStream("/tegrastats/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static RailPower nan3(String label, double now, double avg) {
    return new RailPower(label, now, avg, Double.NaN);
  }

  @Test
  void parsesJetPack4NanoWithoutUnits() {
    List<String> lines = fixture("jp4-nano-l4t32.txt");
    assertThat(TegrastatsParser.parse(lines.get(0)))
        .containsExactly(
            nan3("POM_5V_IN", 933, 933), nan3("POM_5V_GPU", 0, 0), nan3("POM_5V_CPU", 84, 105));
    assertThat(TegrastatsParser.parse(lines.get(1)).get(0))
        .isEqualTo(nan3("POM_5V_IN", 5012, 2972));
    assertThat(TegrastatsParser.hasTimestamp(lines.get(0))).isFalse();
  }

  @Test
  void parsesJetPack4NanoAsNonRoot() {
    assertThat(TegrastatsParser.parse(fixture("jp4-nano-l4t32-nonroot.txt").get(0)))
        .extracting(RailPower::label)
        .containsExactly("POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU");
  }

  @Test
  void parsesJetPack4AgxXavierSixRails() {
    assertThat(TegrastatsParser.parse(fixture("jp4-agx-xavier-l4t32.txt").get(0)))
        .containsExactly(
            nan3("GPU", 1155, 1155),
            nan3("CPU", 385, 385),
            nan3("SOC", 2504, 2503),
            nan3("CV", 0, 0),
            nan3("VDDRQ", 192, 192),
            nan3("SYS5V", 2692, 2692));
  }

  @Test
  void parsesJetPack5AgxOrinWithUnitsAndPlaceholders() {
    String line = fixture("jp5-agx-orin-l4t35.1.txt").get(1);
    assertThat(TegrastatsParser.hasTimestamp(line)).isTrue();
    assertThat(TegrastatsParser.parse(line))
        .containsExactly(
            nan3("VDD_GPU_SOC", 2788, 2589),
            nan3("VDD_CPU_CV", 995, 895),
            nan3("VIN_SYS_5V0", 3622, 3572),
            nan3("NC", 0, 0),
            nan3("VDDQ_VDD2_1V8AO", 401, 351),
            nan3("NC", 0, 0));
  }

  @Test
  void parsesJetPack6OrinNano() {
    assertThat(TegrastatsParser.parse(fixture("jp6-orin-nano-l4t36.txt").get(1)))
        .containsExactly(
            nan3("VDD_IN", 6120, 5338),
            nan3("VDD_CPU_GPU_CV", 1731, 1107),
            nan3("VDD_SOC", 1609, 1530));
  }

  @Test
  void parsesJetPack7ThreeValues() {
    assertThat(TegrastatsParser.parse(fixture("jp7-agx-orin-l4t39.2.txt").get(0)))
        .containsExactly(
            new RailPower("VDD_GPU_SOC", 5139, 5139, 5139),
            new RailPower("VDD_CPU_CV", 3268, 3268, 3268),
            new RailPower("VIN_SYS_5V0", 5500, 5500, 5500));
  }

  @Test
  void ignoresLinesWithoutPower() {
    assertThat(TegrastatsParser.parse("RAM 331/3964MB (lfb 758x4MB) SWAP 0/1982MB (cached 0MB)"))
        .isEmpty();
    assertThat(TegrastatsParser.parse("")).isEmpty();
  }
}
