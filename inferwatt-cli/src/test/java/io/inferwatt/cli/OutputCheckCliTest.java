package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command writes over the measurement base, over one of its own inputs, or twice into one file
 * (issue 10, item 2): each is refused with exit code 2 before anything is measured, and the file is
 * left as it was.
 */
class OutputCheckCliTest {
  @TempDir Path dir;
  private Path base;
  private byte[] baseBytes;

  @BeforeEach
  void aBaseWithAStudy() throws Exception {
    base = dir.resolve("base.duckdb");
    BadInputCliTest.smallStudy(base);
    baseBytes = Files.readAllBytes(base);
  }

  private void assertBaseIntact() throws Exception {
    assertThat(Files.readAllBytes(base)).isEqualTo(baseBytes);
    CliTest.Run runs = CliTest.run("runs", "--db", base.toString());
    assertThat(runs.code()).as(runs.err()).isZero();
    assertThat(runs.out()).contains("mobilenetv2");
  }

  @Test
  void aReportOverTheBaseIsRefused() throws Exception {
    CliTest.Run r = CliTest.run("report", "--db", base.toString(), "--out", base.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--out " + base + " is the measurement base (--db)");
    assertBaseIntact();
  }

  @Test
  void aReportOverALinkToTheBaseIsRefused() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.html"), base);
    CliTest.Run r = CliTest.run("report", "--db", base.toString(), "--out", link.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is the measurement base");
    assertBaseIntact();
  }

  @Test
  void eventsSavedOverTheBaseAreRefusedBeforeMeasuring() throws Exception {
    CliTest.Run r = BadInputCliTest.smallProfile(base, "--save-events", base.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("--save-events " + base + " is the measurement base")
        .doesNotContain("phase");
    assertBaseIntact();
  }

  @Test
  void samplesSavedOverAnotherBaseAreRefused() throws Exception {
    CliTest.Run r =
        BadInputCliTest.smallProfile(
            dir.resolve("other.duckdb"), "--save-samples", base.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is a measurement base, which inferwatt never writes over");
    assertBaseIntact();
  }

  @Test
  void samplesAndEventsIntoOneFileAreRefused() {
    Path one = dir.resolve("one.txt");
    CliTest.Run r =
        CliTest.run(
            "profile",
            "--no-store",
            "--save-samples",
            one.toString(),
            "--save-events",
            dir.resolve(".").resolve("one.txt").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("--save-samples and --save-events name one file")
        .doesNotContain("phase");
    assertThat(one).doesNotExist();
  }

  @Test
  void aLogOverTheBaseIsRefused() throws Exception {
    Path root = BadInputCliTest.fakeNanoSensors(dir.resolve("root"));
    CliTest.Run r =
        CliTest.run(
            "log", "--out", base.toString(), "--root", root.toString(), "--duration", "200ms");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is a measurement base");
    assertBaseIntact();
  }

  @Test
  void aModelCutIntoItsOwnFileIsRefused() throws Exception {
    Path model = dir.resolve("m.onnx");
    assertThat(
            CliTest.run(
                    "models",
                    "build",
                    "layer",
                    "--type",
                    "Relu",
                    "--channels",
                    "4",
                    "--size",
                    "8",
                    "--out",
                    model.toString())
                .code())
        .isZero();
    byte[] before = Files.readAllBytes(model);
    CliTest.Run r =
        CliTest.run(
            "models", "prefix", model.toString(), "--nodes", "1", "--out", model.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is an input of this command (the model)");
    assertThat(Files.readAllBytes(model)).isEqualTo(before);
  }

  @Test
  void aStudyStoredIntoItsPlanIsRefused() throws Exception {
    Path plan = dir.resolve("plan.yaml");
    String text =
        """
        study: t
        board: sim:nano
        baseline: {model: mobilenetv2}
        sweeps:
          - name: s
            vary: {cpu.cores: [1, 2]}
        """;
    Files.writeString(plan, text);
    CliTest.Run r = CliTest.run("study", "run", plan.toString(), "--db", plan.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--db " + plan + " is an input of this command (the plan)");
    assertThat(Files.readString(plan)).isEqualTo(text);
  }
}
