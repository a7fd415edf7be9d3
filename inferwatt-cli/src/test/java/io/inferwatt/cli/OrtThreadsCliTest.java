package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's intra-op threads (the plan setting {@code threads}, {@code profile --threads}) on
 * this machine (board {@code local}), real runs: stored with each run as a setting, a feature of
 * the models fitted on them, and a count never measured is refused by {@code predict}. No duration
 * is asserted.
 */
class OrtThreadsCliTest {
  @TempDir static Path dir;

  private static String db;

  /** A study of single convolutions at one intra-op thread (a few seconds), and a fit on it. */
  @BeforeAll
  static void measureAtOneThreadAndFit() throws Exception {
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(
        plan,
        """
        study: ort-threads
        board: local
        engine: onnxruntime
        seed: 5
        protocol: {warmup: 1, cycles: 3, layer_cycles: 2, max_layer_cycles: 2, min_samples_per_layer: 1, idle: 0s}
        baseline: {model: conv-k3-s1-c8x8-16x16, threads: 1}
        sweeps:
          - name: convs
            grid:
              model: [conv-k3-s1-c8x8-16x16, conv-k3-s1-c8x16-16x16, conv-k1-s1-c16x16-16x16,
                      conv-k3-s2-c8x8-32x32, conv-k1-s1-c8x32-8x8, conv-k3-s1-c16x8-8x8]
              batch: [1, 2]
        """);
    db = dir.resolve("t.duckdb").toString();
    // a state folder of its own: the board's lock is not another inferwatt's on this machine
    CliTest.Run s = CliTest.runStudy(plan, db, dir.resolve("state"));
    assertThat(s.code()).as(s.err()).isZero();
    CliTest.Run f =
        CliTest.run(
            "fit", "--db", db, "--board", "local", "--learners", "lasso-poly2", "--skip-short");
    assertThat(f.code()).as(f.out() + f.err()).isZero();
  }

  private static List<String> threadsOfRuns(String where) throws Exception {
    JsonNode rows =
        CliTest.queryJson(
            db,
            "SELECT r.run_id, (SELECT s.value FROM run_settings s WHERE s.run_id = r.run_id"
                + " AND s.key = 'threads') AS threads FROM runs r "
                + where
                + " ORDER BY r.run_id");
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("threads").isNull() ? null : r.get("threads").asText()));
    return out;
  }

  @Test
  void everyRunOfTheStudyStoresThreads1AsASetting() throws Exception {
    List<String> threads =
        threadsOfRuns(
            "WHERE r.run_id IN (SELECT run_id FROM study_configurations WHERE study_id = 'ort-threads')");
    assertThat(threads).hasSize(12).containsOnly("1");
  }

  @Test
  void profileThreads1StoresThreads1AndWithoutTheOptionNothing() throws Exception {
    Path f = dir.resolve("conv.onnx");
    OnnxIo.write(Networks.conv(3, 1, 8, 8, 16, 1, 3), f);
    List<String> before = threadsOfRuns("");
    for (String[] extra : List.of(new String[] {"--threads", "1"}, new String[] {})) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "profile",
                  f.toString(),
                  "--board",
                  "local",
                  "--db",
                  db,
                  "--warmup",
                  "1",
                  "--cycles",
                  "2",
                  "--layer-cycles",
                  "2"));
      args.addAll(List.of(extra));
      System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
      CliTest.Run p;
      try {
        p = CliTest.run(args.toArray(String[]::new));
      } finally {
        System.clearProperty("inferwatt.state.dir");
      }
      assertThat(p.code()).as(p.err()).isZero();
    }
    List<String> after = threadsOfRuns("");
    assertThat(after).hasSize(before.size() + 2);
    assertThat(after.subList(before.size(), after.size())).containsExactly("1", null);
  }

  @Test
  void fitRefusesABaseMixingRunsAtOneThreadWithRunsAtTheEnginesOwnCount() throws Exception {
    Path mixed = dir.resolve("mixed.duckdb");
    Files.copy(Path.of(db), mixed);
    Path plan = dir.resolve("default-threads.yaml");
    Files.writeString(
        plan,
        """
        study: ort-default-threads
        board: local
        engine: onnxruntime
        protocol: {warmup: 1, cycles: 3, layer_cycles: 2, max_layer_cycles: 2, min_samples_per_layer: 1, idle: 0s}
        baseline: {model: conv-k3-s1-c8x8-16x16}
        sweeps:
          - name: convs
            vary: {model: [conv-k3-s1-c8x8-16x16, conv-k1-s1-c8x32-8x8]}
        """);
    CliTest.Run s = CliTest.runStudy(plan, mixed.toString(), dir.resolve("state"));
    assertThat(s.code()).as(s.err()).isZero();
    // a run at the engine's own count would take the others' one thread as its own: refused
    CliTest.Run fit = CliTest.run("fit", "--db", mixed.toString(), "--board", "local");
    assertThat(fit.code()).as(fit.out() + fit.err()).isEqualTo(2);
    assertThat(fit.err())
        .contains(
            "12 of the 14 training runs were measured at a chosen ONNX Runtime thread count"
                + " (setting threads) and 2 at the engine's own")
        .contains("Fit them apart")
        .doesNotContain("Exception");
    // the one-thread study alone is one kind
    CliTest.Run apart =
        CliTest.run(
            "fit",
            "--db",
            mixed.toString(),
            "--board",
            "local",
            "--study",
            "ort-threads",
            "--learners",
            "lasso-poly2",
            "--skip-short");
    assertThat(apart.code()).as(apart.out() + apart.err()).isZero();
  }

  @Test
  void profileThreadsOnAnotherEngineIsRefusedBeforeMeasuring() {
    CliTest.Run sim = CliTest.run("profile", "--board", "sim:nano", "--threads", "2", "--db", db);
    assertThat(sim.code()).isEqualTo(2);
    assertThat(sim.err().strip())
        .isEqualTo(
            "inferwatt: error: --threads: only the onnxruntime engine has intra-op threads, not"
                + " the engine of board sim:nano");
  }

  @Test
  void predictRunsAtTheMeasuredThreadCountAndRefusesAnother() throws Exception {
    CliTest.Run p =
        CliTest.run(
            "predict", "conv-k3-s1-c8x8-16x16", "--db", db, "--board", "local", "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode j = p.json();
    assertThat(j.at("/settings/threads").asText()).isEqualTo("1");
    assertThat(j.at("/network/latency_ms/value").asDouble()).isPositive();
    CliTest.Run t = CliTest.run("predict", "conv-k3-s1-c8x8-16x16", "--db", db);
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).containsPattern("threads=1");

    CliTest.Run two =
        CliTest.run("predict", "conv-k3-s1-c8x8-16x16", "--db", db, "--set", "threads=2");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err().strip())
        .contains("setting threads=2 was never measured")
        .contains("the models know threads=1 only")
        .doesNotContain("\n");
    // the same count written otherwise is the one measured
    CliTest.Run same =
        CliTest.run("predict", "conv-k3-s1-c8x8-16x16", "--db", db, "--set", "threads=1.0");
    assertThat(same.code()).as(same.err()).isZero();
  }
}
