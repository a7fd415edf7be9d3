package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Bad input ends in exit code 2 with one line that says what, where and what to do; a bug (a plain
 * {@link IllegalArgumentException}) is exit code 1 with the hint to get the stack trace. One test
 * per cause of the audit (issue 10, items 10 and 11).
 */
class BadInputCliTest {
  @TempDir Path dir;

  private static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  /** A study of two configurations on the virtual Nano, stored in {@code base}. */
  static void smallStudy(Path base) throws Exception {
    Path plan = base.resolveSibling("small-study.yaml");
    Files.writeString(
        plan,
        """
        study: small
        board: sim:nano
        protocol: {warmup: 1, cycles: 5, max_layer_cycles: 20, min_samples_per_layer: 5, idle: 10ms}
        baseline: {model: mobilenetv2}
        sweeps:
          - name: cores
            vary: {cpu.cores: [1, 4]}
        """);
    CliTest.Run r =
        CliTest.runStudy(plan, base.toString(), base.resolveSibling("small-study-state"));
    assertThat(r.code()).as(r.err()).isZero();
  }

  /** A fake Jetson Nano (JetPack 4) power sensor under {@code root}, for {@code log}. */
  static Path fakeNanoSensors(Path root) throws Exception {
    Path iio = root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0");
    Files.createDirectories(iio);
    String[] names = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
    for (int n = 0; n < 3; n++) {
      Files.writeString(iio.resolve("rail_name_" + n), names[n] + "\n");
      Files.writeString(iio.resolve("in_power" + n + "_input"), "1000\n");
      Files.writeString(iio.resolve("in_voltage" + n + "_input"), "5000\n");
      Files.writeString(iio.resolve("in_current" + n + "_input"), "200\n");
    }
    return root;
  }

  /** A short profile on the virtual Nano, stored in {@code base}. */
  static CliTest.Run smallProfile(Path base, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "profile",
                "--db",
                base.toString(),
                "--warmup",
                "1",
                "--cycles",
                "5",
                "--max-layer-cycles",
                "20",
                "--idle",
                "0s"));
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }

  // ----------------------------------------------------------------- exit codes (item 10)

  @Test
  void aFolderGivenAsAFileIsBadInput() throws Exception {
    CliTest.Run r = run("analyze", "--samples", dir.toString(), "--events", dir.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("--samples " + dir + " is a folder, not a file")
        .doesNotContain("--verbose");
  }

  @Test
  void aBinaryFileGivenAsTextIsBadInput() throws Exception {
    Path binary = dir.resolve("models.json");
    Files.write(binary, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    CliTest.Run r = run("predict", "resnet18", "--model", binary.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("cannot read " + binary + ": it is not UTF-8 text")
        .doesNotContain("--verbose");
  }

  @Test
  void aModelWithAnOperatorOnnxRuntimeLacksIsBadInput() throws Exception {
    OnnxModel relu = Networks.layer("Relu", 4, 8, 10, 1);
    List<OnnxModel.Node> nodes =
        relu.nodes().stream()
            .map(
                n ->
                    new OnnxModel.Node(
                        n.name(), "NoSuchOp", n.domain(), n.inputs(), n.outputs(), n.attributes()))
            .toList();
    Path model = dir.resolve("unsupported.onnx");
    OnnxIo.write(
        new OnnxModel(
            relu.irVersion(),
            relu.opsets(),
            relu.producerName(),
            relu.graphName(),
            nodes,
            relu.initializers(),
            relu.inputs(),
            relu.outputs(),
            relu.valueInfo()),
        model);
    CliTest.Run r =
        run(
            "profile",
            model.toString(),
            "--root",
            dir.toString(),
            "--no-store",
            "--warmup",
            "0",
            "--cycles",
            "2",
            "--layer-cycles",
            "1",
            "--idle",
            "0s");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("NoSuchOp").contains("inferwatt models inspect");
  }

  @Test
  void aBaseHeldByAnotherProcessIsBadInput() throws Exception {
    Path base = dir.resolve("held.duckdb");
    assertThat(smallProfile(base).code()).isZero();
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HoldBase.class.getName(),
                base.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("held");
      CliTest.Run r = run("runs", "--db", base.toString());
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("is in use by another process")
          .contains("PID " + holder.pid())
          .doesNotContain("--verbose");
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(20, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
  }

  @Test
  void aFileThatIsNotABaseIsBadInput() throws Exception {
    Path notABase = dir.resolve("corrupt.duckdb");
    byte[] noise = new byte[4096];
    new java.util.Random(3).nextBytes(noise);
    Files.write(notABase, noise);
    CliTest.Run r = run("runs", "--db", notABase.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(notABase + " is not a measurement base");
    assertThat(Files.readAllBytes(notABase)).isEqualTo(noise);
  }

  @Test
  void aFolderAsTheBaseIsBadInput() {
    CliTest.Run r = run("runs", "--db", dir.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is a directory, not a file");
  }

  /** A command with a bug: it throws a plain IllegalArgumentException. */
  @Command(name = "buggy")
  static final class Buggy implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalArgumentException("index -1 out of range");
    }
  }

  /** Runs {@code args} with {@code command} added to the command line as a subcommand. */
  private static CliTest.Run withCommand(String name, Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out);
    PrintWriter e = new PrintWriter(err);
    CommandLine cl = Main.commandLine(o, e);
    cl.addSubcommand(name, command);
    int code = Main.execute(cl, args, o, e);
    return new CliTest.Run(code, out.toString(), err.toString());
  }

  @Test
  void aPlainIllegalArgumentExceptionIsABugNotBadInput() {
    CliTest.Run r = withCommand("buggy", new Buggy(), "buggy");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("error: index -1 out of range")
        .contains("run again with --verbose for the stack trace");
  }

  /** A command that runs the JVM out of heap or of stack, as a huge or deep input would. */
  @Command(name = "exhausting")
  static final class Exhausting implements Callable<Integer> {
    @CommandLine.Parameters String what;

    @Override
    public Integer call() {
      if (what.equals("heap")) {
        throw new OutOfMemoryError("Java heap space");
      }
      return deep(0);
    }

    private static int deep(int n) {
      return deep(n + 1) + 1;
    }
  }

  @Test
  void runningOutOfHeapOrStackIsOneLineWithWhatToDoNotAStackTrace() {
    for (String what : List.of("heap", "stack")) {
      CliTest.Run r = withCommand("exhausting", new Exhausting(), "exhausting", what);
      assertThat(r.code()).as(what).isEqualTo(1);
      assertThat(r.err().lines()).as(r.err()).hasSize(1);
      assertThat(r.err())
          .startsWith("inferwatt: error: ")
          .contains(what.equals("heap") ? "-Xmx4g" : "-Xss64m")
          .contains("what was already stored is kept")
          .doesNotContain("\tat ");
    }
  }

  // ----------------------------------------------------------------- messages (item 11)

  @Test
  void aReportToAFolderThatTakesNoFilesSaysWhy() throws Exception {
    Path base = dir.resolve("b.duckdb");
    smallStudy(base);
    CliTest.Run r = run("report", "--db", base.toString(), "--out", "/proc/x.html");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "cannot write /proc/x.html: folder /proc takes no new files; choose another --out");
  }

  @Test
  void samplesIntoAMissingFolderAreRefusedBeforeMeasuring() {
    Path base = dir.resolve("b.duckdb");
    Path csv = dir.resolve("missing").resolve("x.csv");
    CliTest.Run r =
        run(
            "profile",
            "--db",
            base.toString(),
            "--save-samples",
            csv.toString(),
            "--cycles",
            "5",
            "--idle",
            "0s");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("cannot write " + csv + ": folder " + csv.getParent() + " does not exist")
        .doesNotContain("phase");
    assertThat(base).doesNotExist();
  }

  @Test
  void aLogIntoAFolderThatTakesNoFilesSaysWhy() throws Exception {
    CliTest.Run r =
        run(
            "log",
            "--out",
            "/proc/x.csv",
            "--root",
            fakeNanoSensors(dir.resolve("root")).toString(),
            "--duration",
            "200ms");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("cannot write /proc/x.csv: folder /proc takes no new files");
  }

  @Test
  void aKernelTooLargeForAnOnnxFileSaysTheLimit() {
    CliTest.Run r =
        run(
            "models",
            "build",
            "conv",
            "--kernel",
            "99999",
            "--in",
            "3",
            "--out-channels",
            "8",
            "--size",
            "224",
            "--out",
            dir.resolve("k.onnx").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("over the 536,870,911 (2 GiB) an ONNX file can hold")
        .contains("use a smaller --kernel")
        .doesNotContain("overflow");
  }

  @Test
  void notANumberIsCalledThat() {
    CliTest.Run r = run("profile", "--no-store", "--sensor-window-ms", "NaN");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("--sensor-window-ms NaN is not a number")
        .doesNotContain("negative");
  }

  @Test
  void anUnknownSettingInASweepIsReportedOnce() throws Exception {
    Path plan = dir.resolve("p.yaml");
    Files.writeString(
        plan,
        """
        study: t
        board: sim:nano
        baseline: {model: mobilenetv2}
        sweeps:
          - name: s
            vary: {foo: [1, 2, 3]}
        """);
    CliTest.Run r =
        run(
            "study",
            "run",
            plan.toString(),
            "--dry-run",
            "--db",
            dir.resolve("b.duckdb").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err().split("sweep s: 'foo' is not a setting", -1)).hasSize(2);
    assertThat(r.err()).contains("1 problem in the plan");
  }
}
