package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.io.SamplesCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code inferwatt sensors} and {@code inferwatt log} over fake sysfs trees. */
class SensorsAndLogCommandTest {

  @TempDir Path root;
  @TempDir Path work;

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void nanoJp4() throws IOException {
    Path iio = root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0");
    String[] names = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
    long[] mw = {2300, 41, 371};
    for (int n = 0; n < 3; n++) {
      write(iio.resolve("rail_name_" + n), names[n] + "\n");
      write(iio.resolve("in_power" + n + "_input"), mw[n] + "\n");
      write(iio.resolve("in_voltage" + n + "_input"), "5016\n");
      write(iio.resolve("in_current" + n + "_input"), (mw[n] * 1000 / 5016) + "\n");
    }
  }

  private void orinNanoJp6() throws IOException {
    Path h = root.resolve("sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon1");
    write(h.resolve("update_interval"), "7\n");
    write(h.resolve("samples"), "1\n");
    String[] labels = {"VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"};
    long[] ma = {911, 96, 290};
    for (int n = 1; n <= 3; n++) {
      write(h.resolve("in" + n + "_label"), labels[n - 1] + "\n");
      write(h.resolve("in" + n + "_input"), "5000\n");
      write(h.resolve("curr" + n + "_input"), ma[n - 1] + "\n");
    }
    write(h.resolve("in7_label"), "sum of shunt voltages\n");
    write(h.resolve("in7_input"), "3040\n");
  }

  private record Run(int code, String out, String err) {}

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void sensorsJsonOnNanoTree() throws Exception {
    nanoJp4();
    Run r =
        run(
            new SensorsCommand(),
            "--root",
            root.toString(),
            "--format",
            "json",
            "--duration",
            "150ms");
    assertThat(r.code()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode src = doc.get("sources").get(0);
    assertThat(src.get("kind").asText()).isEqualTo("jetson-ina3221-iio");
    assertThat(src.get("total").asText()).isEqualTo("in");
    assertThat(src.get("rails")).hasSize(3);
    JsonNode in = src.get("rails").get(0);
    assertThat(in.get("name").asText()).isEqualTo("in");
    assertThat(in.get("power_mw").asDouble()).isEqualTo(2300);
    assertThat(in.get("voltage_mv").asDouble()).isEqualTo(5016);
    assertThat(in.get("current_ma").isNumber()).isTrue();
    assertThat(src.get("sampling").get("reads").asLong()).isPositive();
    assertThat(doc.get("absent").findValuesAsText("kind"))
        .contains("jetson-ina3221-hwmon", "tegrastats", "nvml", "rapl");
  }

  @Test
  void sensorsJsonNullsWhatASourceDoesNotHave() throws Exception {
    Path z = root.resolve("sys/class/powercap/intel-rapl:0");
    write(z.resolve("name"), "package-0\n");
    write(z.resolve("energy_uj"), "1000\n");
    write(z.resolve("max_energy_range_uj"), "262143328850\n");
    Run r =
        run(
            new SensorsCommand(),
            "--root",
            root.toString(),
            "--format",
            "json",
            "--duration",
            "0s");
    JsonNode src = new ObjectMapper().readTree(r.out()).get("sources").get(0);
    assertThat(src.get("kind").asText()).isEqualTo("rapl");
    // a CPU with one package: the package is the total (RAPL marks it)
    assertThat(src.get("total").asText()).isEqualTo("package_0");
    assertThat(src.get("rails").get(0).get("voltage_mv").isNull()).isTrue();
    assertThat(src.get("rails").get(0).get("current_ma").isNull()).isTrue();
  }

  @Test
  void sensorsTextNamesRailsTotalAndReasons() throws Exception {
    orinNanoJp6();
    Run r = run(new SensorsCommand(), "--root", root.toString(), "--duration", "100ms");
    assertThat(r.out())
        .contains("jetson-ina3221-hwmon")
        .contains("board total: in")
        .contains("VDD_CPU_GPU_CV")
        .contains("1-0040.update_interval_ms = 7")
        .contains("sensor update period: 7.000 ms")
        .contains("Not used:")
        .contains("no driver:");
  }

  @Test
  void logWritesChosenRailsToTheSamplesCsv() throws Exception {
    orinNanoJp6();
    Path csv = work.resolve("samples.csv");
    Run r =
        run(
            new LogCommand(),
            "--root",
            root.toString(),
            "--duration",
            "300ms",
            "--period",
            "2ms",
            "--rails",
            "soc,in",
            "--out",
            csv.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("wrote").contains(csv.toString());
    assertThat(r.err()).contains("samples");
    try (SamplesCsv.Reader in = SamplesCsv.open(csv)) {
      assertThat(in.rails()).containsExactly("soc", "in");
    }
    List<PowerSample> samples = SamplesCsv.readAll(csv); // checks strictly increasing t_ns
    assertThat(samples).isNotEmpty();
    assertThat(samples).allSatisfy(s -> assertThat(s.powerMw()).containsExactly(1450, 4555));
    assertThat(Files.readAllLines(csv).get(0))
        .isEqualTo("t_ns,read_start_ns,read_end_ns,soc_mw,in_mw");
  }

  @Test
  void logRejectsUnknownRailAndMissingFolder() throws Exception {
    nanoJp4();
    // picocli hands an exception from call() to its own handler: the stack trace goes to err
    Run bad =
        run(
            new LogCommand(),
            "--root",
            root.toString(),
            "--duration",
            "1s",
            "--rails",
            "gpu,vdd",
            "--out",
            work.resolve("x.csv").toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("BadInputException: rail 'vdd' is not one of in, gpu, cpu");
    Run noFolder =
        run(
            new LogCommand(),
            "--root",
            root.toString(),
            "--duration",
            "1s",
            "--out",
            work.resolve("no/such/x.csv").toString());
    assertThat(noFolder.code()).isNotZero();
    assertThat(noFolder.err()).contains("BadInputException").contains("does not exist");
    assertThat(work.resolve("x.csv")).doesNotExist();
  }

  @Test
  void durations() {
    assertThat(LogCommand.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(LogCommand.parseDuration("2ms")).isEqualTo(Duration.ofMillis(2));
    assertThat(LogCommand.parseDuration("500us")).isEqualTo(Duration.ofNanos(500_000));
    assertThat(LogCommand.parseDuration("1.5m")).isEqualTo(Duration.ofSeconds(90));
    assertThat(LogCommand.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(LogCommand.parseDuration("3")).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> LogCommand.parseDuration("soon"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
