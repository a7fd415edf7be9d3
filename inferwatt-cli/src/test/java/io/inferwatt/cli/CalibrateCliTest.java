package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code calibrate} end to end on the virtual Nano: its sensor with a gain and an offset error, its
 * external meter's log written by {@code profile --meter-out}, the calibration found from the two
 * files; and the virtual sensor's response options.
 */
class CalibrateCliTest {
  @TempDir Path dir;

  private CliTest.Run profile(String... extra) {
    String[] base = {
      "profile",
      "--model",
      "mobilenetv2",
      "--cycles",
      "200",
      "--warmup",
      "5",
      "--layer-cycles",
      "50",
      "--idle",
      "1s",
      "--no-store"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliTest.run(all);
  }

  @Test
  void findsTheVirtualSensorsGainOffsetAndTheMetersClock() throws Exception {
    Path samples = dir.resolve("s.csv");
    Path meter = dir.resolve("meter.csv");
    CliTest.Run p =
        profile(
            "--sensor-gain",
            "0.9",
            "--sensor-offset-mw",
            "-200",
            "--save-samples",
            samples.toString(),
            "--meter-out",
            meter.toString());
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(Files.readAllLines(meter).get(0)).isEqualTo("t_s,voltage_v,current_a,power_w");
    CliTest.Run c =
        calibrate(
            meter,
            samples,
            "--voltage-col",
            "voltage_v",
            "--current-col",
            "current_a",
            "--rail",
            "in",
            "--board",
            "sim:nano",
            "--format",
            "json");
    assertThat(c.code()).as(c.err()).isZero();
    JsonNode j = c.json();
    assertThat(j.get("simulated").asBoolean()).isTrue();
    JsonNode rail = j.get("rails").get(0);
    assertThat(rail.get("rail").asText()).isEqualTo("in");
    assertThat(rail.get("gain").asDouble()).isCloseTo(0.9, within(0.015));
    assertThat(rail.get("offset_mw").asDouble()).isCloseTo(-200, within(40.0));
    assertThat(rail.get("lag_ms").asDouble()).isCloseTo(750, within(2.0));
    CliTest.Run text =
        calibrate(
            meter, samples, "--time-col", "t_s", "--power-col", "power_w", "--board", "sim:nano");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out().lines()).allMatch(l -> l.startsWith("[simulated] "));
    assertThat(text.out()).containsPattern("rail in <- meter power_w: gain 0\\.(89|90)\\d\\d,");
  }

  @Test
  void aSavedCalibrationBringsAMisreadingSensorBackToTheTruth() throws Exception {
    // evidence against the virtual board's truth: the sensor reads 0.9 x power - 200 mW
    Path samples = dir.resolve("s.csv");
    Path meter = dir.resolve("meter.csv");
    Path base = dir.resolve("cal.duckdb");
    String[] error = {"--sensor-gain", "0.9", "--sensor-offset-mw", "-200"};
    CliTest.Run p =
        profile(
            error[0],
            error[1],
            error[2],
            error[3],
            "--save-samples",
            samples.toString(),
            "--meter-out",
            meter.toString());
    assertThat(p.code()).as(p.err()).isZero();
    CliTest.Run c =
        calibrate(
            meter,
            samples,
            "--voltage-col",
            "voltage_v",
            "--current-col",
            "current_a",
            "--rail",
            "in",
            "--board",
            "sim:nano",
            "--save",
            "--db",
            base.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("stored as calibration 1 of board sim:nano");
    JsonNode raw = profile(error[0], error[1], error[2], error[3], "--format", "json").json();
    JsonNode fixed =
        profile(
                error[0],
                error[1],
                error[2],
                error[3],
                "--calibrated",
                "--db",
                base.toString(),
                "--format",
                "json")
            .json();
    assertThat(raw.get("calibrated").isNull()).isTrue();
    assertThat(fixed.get("calibrated").get("in").get("gain").asDouble())
        .isCloseTo(0.9, within(0.015));
    double before = raw.get("truth_error").get("inference_energy").get("error_pct").asDouble();
    double after = fixed.get("truth_error").get("inference_energy").get("error_pct").asDouble();
    assertThat(Math.abs(before)).isGreaterThan(8);
    assertThat(Math.abs(after)).isLessThan(2);
  }

  @Test
  void aMeterLogFromAFifoIsReadOnce() throws Exception {
    // the default time column (the first) came from a second read of the file, which a FIFO
    // cannot give: the header was gone and the first data row was taken for it
    Path samples = dir.resolve("s.csv");
    Path meter = dir.resolve("meter.csv");
    CliTest.Run p = profile("--save-samples", samples.toString(), "--meter-out", meter.toString());
    assertThat(p.code()).as(p.err()).isZero();
    Path fifo = dir.resolve("meter.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    byte[] log = Files.readAllBytes(meter);
    Thread writer =
        new Thread(
            () -> {
              try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
                out.write(log);
              } catch (java.io.IOException e) {
                // the command under test reports what it could not read
              }
            });
    writer.setDaemon(true);
    writer.start();
    CliTest.Run c =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(30),
            () -> calibrate(fifo, samples, "--power-col", "power_w", "--board", "sim:nano"));
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("rail in <- meter power_w: gain ");
  }

  @Test
  void refusesWhatItCannotUseInOneLine() throws Exception {
    Path meter = dir.resolve("m.csv");
    Files.writeString(meter, "t,p\n0,1\n1,x\n");
    Path samples = dir.resolve("s.csv");
    Files.writeString(samples, "t_ns,in_mw\n1,1\n2,2\n");
    CliTest.Run r = calibrate(meter, samples, "--power-col", "p");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("line 3").contains("'x' is not a number");
    CliTest.Run missing = calibrate(meter, samples, "--power-col", "watts");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--power-col watts").contains("[t, p]");
    CliTest.Run units = calibrate(meter, samples, "--power-col", "p", "--units", "time=fortnights");
    assertThat(units.code()).isEqualTo(2);
    assertThat(units.err()).contains("--units");
  }

  @Test
  void theVirtualSensorTakesAnyResponseAndTheWindowOptionStaysAnAlias() throws Exception {
    CliTest.Run low = profile("--sensor-response", "lowpass:0.5ms", "--format", "json");
    assertThat(low.code()).as(low.err()).isZero();
    assertThat(low.json().at("/mapping/residual_curve").size()).isPositive();
    CliTest.Run both = profile("--sensor-response", "boxcar:1.1ms", "--sensor-window-ms", "1.1");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("either --sensor-window-ms or --sensor-response");
    CliTest.Run bad = profile("--sensor-response", "rc:1ms");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("sensor response 'rc:1ms'");
    CliTest.Run real = CliTest.run("profile", "--board", "local", "--sensor-gain", "0.9");
    assertThat(real.code()).isEqualTo(2);
    assertThat(real.err()).contains("has its own");
  }

  /** {@code inferwatt calibrate --meter METER --samples SAMPLES ARGS...}. */
  private static CliTest.Run calibrate(Path meter, Path samples, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "calibrate";
    all[1] = "--meter";
    all[2] = meter.toString();
    all[3] = "--samples";
    all[4] = samples.toString();
    System.arraycopy(args, 0, all, 5, args.length);
    return CliTest.run(all);
  }
}
