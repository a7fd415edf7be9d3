package io.inferwatt.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import io.inferwatt.core.analysis.Estimate;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RunInput;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.store.StudyInput;
import io.inferwatt.study.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report, the optima and the store agree on every configuration's power, latency and energy, on
 * boards whose total rail has different names: a Jetson ({@code in}), a Linux CPU (RAPL {@code
 * package_0}, neither first nor called {@code in}) and a GPU ({@code gpu0} alone). The studies are
 * written with the store's own writer from hand-made results, whose numbers are known.
 */
class ReportNumbersTest {
  @TempDir Path dir;

  /** Rail i of configuration c draws 1000 × (c + 1) + 100 × i mW; latency is 10 + c ms. */
  private static AnalysisResult result(List<String> rails, int c) {
    Map<String, Estimate> power = new LinkedHashMap<>();
    Map<String, Double> energy = new LinkedHashMap<>();
    Map<String, Estimate> none = new LinkedHashMap<>();
    double latencyMs = 10 + c;
    for (int i = 0; i < rails.size(); i++) {
      double p = 1000.0 * (c + 1) + 100 * i;
      power.put(rails.get(i), new Estimate(p, p - 5, p + 5, 20));
      energy.put(rails.get(i), p * latencyMs / 1000);
      none.put(rails.get(i), Estimate.NONE);
    }
    return new AnalysisResult(
        rails,
        false,
        new InferenceSummary(
            20,
            1,
            new LatencyMs(20, latencyMs, latencyMs, latencyMs, latencyMs, latencyMs, latencyMs),
            power,
            energy,
            energy,
            20),
        List.of(),
        new Unattributed(0, Double.NaN, none),
        none,
        List.of(),
        Double.NaN,
        AnalysisOptions.PAPER_MIN_SAMPLES,
        -1,
        MappingInfo.PAPER,
        List.of());
  }

  private static final String PLAN =
      """
      study: %s
      board: %s
      engine: onnxruntime
      baseline:
        model: mobilenetv2
        batch: 1
        cpu.cores: 4
      sweeps:
        - name: cores
          vary: {cpu.cores: [2, 4]}
      """;

  /** A two-configuration study on {@code rails}, total {@code total}; returns the base file. */
  private Path study(String board, List<String> rails, String total) {
    Path db = dir.resolve(board + ".duckdb");
    try (MeasurementStore s = MeasurementStore.open(db)) {
      s.saveStudy(
          new StudyInput(
              board,
              board,
              "onnxruntime",
              false,
              PLAN.formatted(board, board),
              2,
              List.of(new StudyInput.Slice("cores", List.of("cpu.cores"), List.of("k2", "k4")))));
      for (int c = 0; c < 2; c++) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("cpu.cores", c == 0 ? "2" : "4");
        settings.put("batch", "1");
        s.saveStudyRun(
            board,
            c == 0 ? "k2" : "k4",
            c,
            "cores",
            new RunInput(
                board,
                false,
                "mobilenetv2",
                settings,
                Instant.EPOCH.plusSeconds(c),
                "test",
                Map.of(),
                result(rails, c),
                total,
                Optional.empty()));
      }
    }
    return db;
  }

  private static final Pattern ROW = Pattern.compile("<tr>(<td.*?)</tr>");
  private static final Pattern CELL =
      Pattern.compile("<td[^>]*?(?: data-v=\"([^\"]*)\")?>([^<]*)</td>");

  /** The configuration table's cells, row by row (data-v when a number, else the text). */
  private static List<List<String>> configurationTable(String html) {
    String table = html.substring(html.indexOf("<table id=\"cfg\""));
    table = table.substring(0, table.indexOf("</table>"));
    List<List<String>> rows = new ArrayList<>();
    Matcher r = ROW.matcher(table);
    while (r.find()) {
      List<String> cells = new ArrayList<>();
      Matcher c = CELL.matcher(r.group(1));
      while (c.find()) {
        cells.add(c.group(1) != null ? c.group(1) : c.group(2));
      }
      rows.add(cells);
    }
    return rows;
  }

  private void reportAndOptimaAgreeWithTheStore(
      String board, List<String> rails, String total, int totalIndex) {
    Path db = study(board, rails, total);
    try (MeasurementStore s = MeasurementStore.open(db)) {
      List<StudyConfigurationRow> rows = s.studyConfigurations(board);
      StudyResults results = StudyResults.load(s, board);
      assertThat(results.totalRail()).isEqualTo(total);
      String html = HtmlReport.render(results, new HtmlReport.Options(board, null, "test", 0.02));
      List<List<String>> table = configurationTable(html);
      assertThat(table).hasSize(2);
      for (int c = 0; c < 2; c++) {
        StudyConfigurationRow row = rows.get(c);
        // the hand-made numbers: independent of every reader
        double power = 1000.0 * (c + 1) + 100 * totalIndex;
        double latency = 10 + c;
        assertThat(row.totalRail()).isEqualTo(total);
        assertThat(row.powerMwMean()).isEqualTo(power);
        assertThat(row.energyMjPaper()).isEqualTo(power * latency / 1000);
        // the report's configuration table: latency, power, energy per input
        List<String> cells = table.get(c);
        assertThat(Double.parseDouble(cells.get(5))).isEqualTo(row.latencyMsMean());
        assertThat(Double.parseDouble(cells.get(6))).isEqualTo(row.powerMwMean());
        assertThat(Double.parseDouble(cells.get(9))).isEqualTo(row.energyMjPaper());
        // the optima read the same numbers
        Outcome o = results.outcomes().get(row.configKey());
        assertThat(o.powerMw()).isEqualTo(row.powerMwMean());
        assertThat(o.latencyMsPerInput()).isEqualTo(row.latencyMsMean());
        assertThat(o.energyMjPerInput()).isEqualTo(row.energyMjPaper());
      }
      // Table I's power optimum is the configuration of least total power (2 cores here)
      assertThat(
              results.optima(0.02).overall().get(io.inferwatt.study.Optima.Objective.POWER).best())
          .containsEntry("cpu.cores", "2");
    }
  }

  @Test
  void aJetsonStudyOnItsInputRail() {
    reportAndOptimaAgreeWithTheStore("jetson", List.of("in", "cpu", "gpu"), "in", 0);
  }

  @Test
  void aLinuxCpuStudyOnItsRaplPackage() {
    reportAndOptimaAgreeWithTheStore(
        "linux-cpu", List.of("core_0", "package_0", "dram_0"), "package_0", 1);
  }

  @Test
  void aGpuStudyOnItsGpuBoard() {
    reportAndOptimaAgreeWithTheStore("gpu", List.of("gpu0"), "gpu0", 0);
  }
}
