package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime on this machine (board {@code local}), real runs: its per-layer times are stored
 * keyed like {@code layer_features}, so that {@code fit} can join them, and {@code profile} lists
 * the layers {@code predict} derives from the same file. No duration is asserted.
 */
class LocalOrtLayersCliTest {

  @TempDir Path dir;

  @Test
  void aStudyStoresEveryLayerOfEveryRunUnderItsFeaturesName() throws Exception {
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(
        plan,
        """
        study: ort-layers
        board: local
        engine: onnxruntime
        seed: 5
        protocol: {warmup: 1, cycles: 2, layer_cycles: 2, max_layer_cycles: 2, min_samples_per_layer: 1, idle: 0s}
        baseline: {model: resnet18-w0.25-r32, batch: 1, mode: sync, input: fixed-random}
        sweeps:
          - name: m
            vary: {model: [resnet18-w0.25-r32, mobilenetv3small-w0.25-r32, "sample:single:3:4"]}
        """);
    String db = dir.resolve("t.duckdb").toString();
    CliTest.Run s = CliTest.runStudy(plan, db, dir.resolve("state"));
    assertThat(s.code()).as(s.err()).isZero();

    // every feature row has its measured layer, by index and name, and no layer is left over
    CliTest.Run q =
        CliTest.run(
            "query",
            "--db",
            db,
            "--format",
            "json",
            """
            SELECT (SELECT count(*) FROM layer_features) AS features,
                   (SELECT count(*) FROM layer_results) AS results,
                   (SELECT count(*) FROM layer_features f JOIN layer_results l
                      ON l.run_id = f.run_id AND l.layer_index = f.layer_index AND l.name = f.name
                      AND l.type = f.type) AS joined,
                   (SELECT count(DISTINCT run_id) FROM layer_results) AS runs,
                   (SELECT count(*) FROM layer_features f JOIN layer_results l
                      ON l.run_id = f.run_id AND l.layer_index = f.layer_index
                    WHERE f.type IN ('Conv', 'DepthwiseConv') AND NOT l.duration_ms_mean > 0)
                      AS convs_without_time
            """);
    assertThat(q.code()).as(q.err()).isZero();
    JsonNode row = q.json().get(0);
    long features = row.get("features").asLong();
    assertThat(features).isGreaterThan(40);
    assertThat(row.get("results").asLong()).isEqualTo(features);
    assertThat(row.get("joined").asLong()).isEqualTo(features);
    assertThat(row.get("runs").asLong()).isEqualTo(5);
    assertThat(row.get("convs_without_time").asLong()).isZero();
  }

  @Test
  void profileListsTheLayersPredictDerives() throws Exception {
    Path f = dir.resolve("r18.onnx");
    OnnxIo.write(Networks.build("resnet18-w0.25-r32", 3), f);
    CliTest.Run p =
        CliTest.run(
            "profile",
            f.toString(),
            "--board",
            "local",
            "--no-store",
            "--format",
            "json",
            "--warmup",
            "1",
            "--cycles",
            "2",
            "--layer-cycles",
            "2");
    assertThat(p.code()).as(p.err()).isZero();
    List<String> profiled = new ArrayList<>();
    p.json().get("layers").forEach(l -> profiled.add(l.get("name").asText()));
    List<String> derived =
        LayerGraph.derive(OnnxIo.read(f), "r18").layers().stream().map(LayerSpec::name).toList();
    assertThat(profiled).isEqualTo(derived);
  }
}
