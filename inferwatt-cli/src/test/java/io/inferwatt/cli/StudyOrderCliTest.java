package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code study run --dry-run} lists the configurations in the order the study measures them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StudyOrderCliTest {
  @TempDir Path dir;

  private static final String PLAN =
      """
      study: o
      board: sim:nano
      seed: 3
      protocol: {warmup: 1, cycles: 5, max_layer_cycles: 5, min_samples_per_layer: 1, idle: 5ms}
      sweeps:
        - name: cores
          vary: {cpu.cores: [1, 2, 3, 4]}
        - name: mb
          grid: {mode: [sync, async], batch: [1, 2, 4]}
      """;

  private static final Pattern LINE =
      Pattern.compile("(?m)^\\[simulated\\]\\s+\\d+/\\d+ ([0-9a-f]{16}) \\[");

  private List<String> dryRunKeys(String text) throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, text);
    CliTest.Run r =
        CliTest.run(
            "study", "run", p.toString(), "--db", dir.resolve("o.duckdb").toString(), "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    Matcher m = LINE.matcher(r.out());
    List<String> keys = new java.util.ArrayList<>();
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Test
  void aShuffledPlansDryRunListsTheSameConfigurationsInItsSeedsOrder() throws Exception {
    List<String> written = dryRunKeys(PLAN);
    List<String> shuffled = dryRunKeys(PLAN.replace("seed: 3", "seed: 3\norder: shuffled"));
    assertThat(written).hasSize(9); // 4 core counts and 6 mode × batch, the baseline shared
    assertThat(shuffled).containsExactlyInAnyOrderElementsOf(written).isNotEqualTo(written);
    assertThat(dryRunKeys(PLAN.replace("seed: 3", "seed: 3\norder: shuffled"))).isEqualTo(shuffled);
  }

  @Test
  void aStudyMeasuredInPartsTakesTheFirstOfItsOrderEachTimeAndEndsWhole() throws Exception {
    String text = PLAN.replace("seed: 3", "seed: 3\norder: shuffled");
    List<String> order = dryRunKeys(text);
    Path plan = dir.resolve("p.yaml");
    String db = dir.resolve("parts.duckdb").toString();
    Path state = Files.createDirectories(dir.resolve("state"));

    CliTest.Run none = CliTest.runStudy(plan, db, state, "--max-configurations", "0");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err().strip())
        .isEqualTo("inferwatt: error: --max-configurations 0: measure at least 1 configuration");
    assertThat(Path.of(db)).doesNotExist();

    // the dry run marks what a run with the limit leaves for later
    CliTest.Run dry = CliTest.runStudy(plan, db, state, "--dry-run", "--max-configurations", "4");
    assertThat(dry.code()).as(dry.err()).isZero();
    for (int i = 0; i < order.size(); i++) {
      String key = order.get(i);
      String line = dry.out().lines().filter(l -> l.contains(" " + key + " [")).findFirst().get();
      assertThat(line.endsWith("  (later: beyond --max-configurations 4)"))
          .as(line)
          .isEqualTo(i >= 4);
    }
    assertThat(Path.of(db)).doesNotExist();

    CliTest.Run first = CliTest.runStudy(plan, db, state, "--max-configurations", "4");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("9 configurations; 0 were already stored, 4 measured now")
        .contains("[simulated] 5 configurations left (--max-configurations 4)");
    assertThat(storedKeys(db)).containsExactlyInAnyOrderElementsOf(order.subList(0, 4));

    CliTest.Run second = CliTest.runStudy(plan, db, state, "--max-configurations", "4");
    assertThat(second.out())
        .contains("4 were already stored, 4 measured now", "1 configurations left");
    assertThat(storedKeys(db)).containsExactlyInAnyOrderElementsOf(order.subList(0, 8));

    CliTest.Run rest = CliTest.runStudy(plan, db, state);
    assertThat(rest.code()).as(rest.err()).isZero();
    assertThat(rest.out()).contains("8 were already stored, 1 measured now").doesNotContain("left");
    assertThat(storedKeys(db)).containsExactlyInAnyOrderElementsOf(order);
  }

  private static List<String> storedKeys(String db) throws Exception {
    List<String> keys = new java.util.ArrayList<>();
    CliTest.queryJson(db, "SELECT config_key FROM study_configurations")
        .forEach(r -> keys.add(r.get("config_key").asText()));
    return keys;
  }
}
