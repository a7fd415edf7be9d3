package io.inferwatt.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Plans;
import io.inferwatt.study.StudyRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code sim:nano} agents on a real PostgreSQL: every configuration is stored exactly once
 * through racing claims, an agent killed with {@code kill -9}, and the database stopped mid-study.
 */
class FleetTest {
  static ScratchPostgres pg;
  @TempDir Path dir;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    pg = Pg.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private Agent agent(PgBase base, String id, Duration lease, boolean untilEmpty) {
    return new Agent(
        new Agent.Options(
            base,
            new JobQueue.AgentInfo(id, "sim:nano", List.of(), "test", false),
            dir.resolve("spool-" + id + ".duckdb"),
            lease,
            Duration.ofMillis(100),
            untilEmpty,
            null,
            "test",
            log::add));
  }

  /** Per configuration key, how many times the base holds it. */
  private static Map<String, Integer> stored(PgBase base, String study) throws SQLException {
    Map<String, Integer> n = new TreeMap<>();
    try (Connection c = base.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT config_key, count(*) FROM study_configurations WHERE study_id = '"
                    + study
                    + "' GROUP BY config_key")) {
      while (rs.next()) {
        n.put(rs.getString(1), rs.getInt(2));
      }
    }
    return n;
  }

  private static long runs(PgBase base) throws SQLException {
    try (Connection c = base.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM runs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, Long> states(PgBase base) throws SQLException {
    try (JobQueue q = new JobQueue(base)) {
      Map<String, Long> m = new TreeMap<>(q.status(null).jobs());
      m.values().removeIf(v -> v == 0);
      return m;
    }
  }

  private static Submission.Summary submit(PgBase base, String plan, int replicas) {
    return Submission.submit(base, Plans.parse(plan, "test"), List.of(), replicas, 3);
  }

  private static List<Agent.Summary> runAll(List<Agent> agents) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(agents.size());
    try {
      List<Future<Agent.Summary>> fs = new ArrayList<>();
      agents.forEach(a -> fs.add(ex.submit(a::run)));
      List<Agent.Summary> out = new ArrayList<>();
      for (Future<Agent.Summary> f : fs) {
        out.add(f.get(5, TimeUnit.MINUTES));
      }
      return out;
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void threeAgentsDrainAStudyAndEveryConfigurationIsStoredOnce() throws Exception {
    PgBase base = Pg.fresh(pg, "drain");
    Submission.Summary s = submit(base, SimRuns.plan("drain", 3), 1);
    assertThat(s.jobs()).isEqualTo(s.configurations()).isEqualTo(6);
    List<Agent.Summary> done =
        runAll(
            List.of(
                agent(base, "a1", Duration.ofSeconds(30), true),
                agent(base, "a2", Duration.ofSeconds(30), true),
                agent(base, "a3", Duration.ofSeconds(30), true)));
    assertThat(done.stream().mapToInt(Agent.Summary::measured).sum()).isEqualTo(6);
    assertThat(stored(base, "drain")).hasSize(6).allSatisfy((k, n) -> assertThat(n).isOne());
    assertThat(runs(base)).isEqualTo(6);
    assertThat(states(base)).isEqualTo(Map.of("done", 6L));
    // submitting again adds nothing: every configuration is stored
    assertThat(submit(base, SimRuns.plan("drain", 3), 1).added()).isZero();
    try (MeasurementStore m = MeasurementStore.open(base)) {
      assertThat(m.studyConfigurations("drain"))
          .extracting(StudyConfigurationRow::position)
          .containsExactly(0, 1, 2, 3, 4, 5);
    }
  }

  @Test
  void aShuffledPlanIsClaimedInTheOrderAStudyRunMeasuresIt() throws Exception {
    PgBase base = Pg.fresh(pg, "shuffled");
    String plan = SimRuns.plan("shuffled", 4).replace("seed: 3\n", "seed: 3\norder: shuffled\n");
    submit(base, plan, 1);
    Expansion ex = Submission.expand(Plans.parse(plan, "test"));
    List<String> written = ex.configurations().stream().map(Configuration::key).toList();
    List<String> measured =
        StudyRunner.measuringOrder(ex).stream().map(Configuration::key).toList();
    assertThat(measured).isNotEqualTo(written).containsExactlyInAnyOrderElementsOf(written);
    List<String> claimed = new ArrayList<>();
    try (JobQueue q = new JobQueue(base)) {
      JobQueue.AgentInfo a = new JobQueue.AgentInfo("o1", "sim:nano", List.of(), "t", false);
      q.register(a);
      for (Optional<JobQueue.Job> j = q.claim(a, Duration.ofMinutes(1));
          j.isPresent();
          j = q.claim(a, Duration.ofMinutes(1))) {
        claimed.add(j.get().configKey());
      }
    }
    assertThat(claimed).isEqualTo(measured);
  }

  @Test
  void twoAgentsRacingForOneJobNeverBothGetIt() throws Exception {
    PgBase base = Pg.fresh(pg, "race");
    try (JobQueue setup = new JobQueue(base)) {
      setup.install();
      List<JobQueue.NewJob> jobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        jobs.add(new JobQueue.NewJob("k" + i, 1, i, "s", false));
      }
      setup.submit("race", "plan", "sim:nano", List.of(), "sim", 3, jobs);
    }
    ExecutorService ex = Executors.newFixedThreadPool(2);
    try (JobQueue q1 = new JobQueue(base);
        JobQueue q2 = new JobQueue(base)) {
      JobQueue.AgentInfo a1 = new JobQueue.AgentInfo("r1", "sim:nano", List.of(), "t", false);
      JobQueue.AgentInfo a2 = new JobQueue.AgentInfo("r2", "sim:nano", List.of(), "t", false);
      q1.register(a1);
      q2.register(a2);
      List<Long> claimed = new ArrayList<>();
      for (int round = 0; round < 20; round++) {
        CyclicBarrier go = new CyclicBarrier(2);
        Future<Optional<JobQueue.Job>> f1 =
            ex.submit(
                () -> {
                  go.await();
                  return q1.claim(a1, Duration.ofMinutes(1));
                });
        Future<Optional<JobQueue.Job>> f2 =
            ex.submit(
                () -> {
                  go.await();
                  return q2.claim(a2, Duration.ofMinutes(1));
                });
        Optional<JobQueue.Job> j1 = f1.get();
        Optional<JobQueue.Job> j2 = f2.get();
        assertThat(j1).isPresent();
        assertThat(j2).isPresent();
        assertThat(j1.get().jobId()).isNotEqualTo(j2.get().jobId());
        claimed.add(j1.get().jobId());
        claimed.add(j2.get().jobId());
      }
      assertThat(claimed).doesNotHaveDuplicates().hasSize(40);
      assertThat(q1.claim(a1, Duration.ofMinutes(1))).isEmpty();
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void anAgentKilledMidConfigurationLosesItsJobWhenItsLeaseRunsOut() throws Exception {
    PgBase base = Pg.fresh(pg, "kill");
    // heavier configurations, so that the kill lands inside one
    String plan =
        """
        study: kill
        board: sim:nano
        engine: sim
        seed: 3
        protocol: {warmup: 1, cycles: 2000, max_layer_cycles: 2000, min_samples_per_layer: 2, idle: 10ms}
        baseline: {model: mobilenetv2, cpu.cores: 4}
        sweeps:
          - name: cores
            vary: {cpu.cores: [1, 2, 3]}
        """;
    assertThat(submit(base, plan, 1).jobs()).isEqualTo(3);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                AgentProcess.class.getName(),
                pg.url().replace("/postgres", "/kill"),
                pg.passwordFile().toString(),
                "doomed",
                dir.resolve("spool-doomed.duckdb").toString(),
                "2000")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("doomed.log").toFile())
            .start();
    long jobOfDoomed = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Connection c = base.connect();
        Statement st = c.createStatement()) {
      while (jobOfDoomed < 0 && System.nanoTime() < deadline) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT job_id FROM fleet_jobs WHERE agent_id = 'doomed' AND state = 'running'")) {
          if (rs.next()) {
            jobOfDoomed = rs.getLong(1);
          }
        }
        if (jobOfDoomed < 0) {
          Thread.sleep(5);
        }
      }
    }
    assertThat(jobOfDoomed).as("the agent process claimed a job").isPositive();
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<Agent.Summary> after =
        runAll(List.of(agent(base, "survivor", Duration.ofSeconds(30), true)));
    assertThat(stored(base, "kill")).hasSize(3).allSatisfy((k, n) -> assertThat(n).isOne());
    assertThat(runs(base)).isEqualTo(3);
    assertThat(states(base)).isEqualTo(Map.of("done", 3L));
    try (Connection c = base.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT attempts, agent_id FROM fleet_jobs WHERE job_id = " + jobOfDoomed)) {
      rs.next();
      assertThat(rs.getInt(1)).as("claimed by the killed agent, then again").isEqualTo(2);
      assertThat(rs.getString(2)).isEqualTo("survivor");
    }
    assertThat(after.get(0).measured()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theDatabaseStoppedMidStudyLosesAndDuplicatesNothing() throws Exception {
    PgBase base = Pg.fresh(pg, "outage");
    // configurations long enough that the outage falls inside the study
    String plan =
        SimRuns.plan("outage", 4)
            .replace("cycles: 10, max_layer_cycles: 10", "cycles: 300, max_layer_cycles: 300");
    assertThat(submit(base, plan, 1).jobs()).isEqualTo(6);
    ExecutorService ex = Executors.newFixedThreadPool(2);
    List<Future<Agent.Summary>> fs = new ArrayList<>();
    fs.add(ex.submit(agent(base, "o1", Duration.ofSeconds(60), true)::run));
    fs.add(ex.submit(agent(base, "o2", Duration.ofSeconds(60), true)::run));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (stored(base, "outage").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      pg.stop();
      Thread.sleep(3000); // the agents measure on into their spools
      pg.start();
      int measured = 0;
      for (Future<Agent.Summary> f : fs) {
        measured += f.get(5, TimeUnit.MINUTES).measured();
      }
      assertThat(measured).isEqualTo(6);
    } finally {
      ex.shutdownNow();
    }
    assertThat(stored(base, "outage")).hasSize(6).allSatisfy((k, n) -> assertThat(n).isOne());
    assertThat(runs(base)).isEqualTo(6);
    assertThat(states(base)).isEqualTo(Map.of("done", 6L));
    assertThat(log).anyMatch(l -> l.contains("unreachable"));
  }

  @Test
  void replicasGoToDistinctBoards() throws Exception {
    PgBase base = Pg.fresh(pg, "replicas");
    Submission.Summary s = submit(base, SimRuns.plan("replicas", 1), 2);
    assertThat(s.jobs()).isEqualTo(2 * s.configurations());
    runAll(List.of(agent(base, "first", Duration.ofSeconds(30), true)));
    // one board cannot give the second replica: it stays queued
    assertThat(s.configurations()).isEqualTo(4);
    assertThat(states(base)).isEqualTo(Map.of("done", 4L, "queued", 4L));
    runAll(List.of(agent(base, "second", Duration.ofSeconds(30), true)));
    assertThat(states(base)).isEqualTo(Map.of("done", 8L));
    assertThat(stored(base, "replicas").keySet()).hasSize(8).anyMatch(k -> k.endsWith("~r2"));
  }

  @Test
  void aJobThatKeepsFailingEndsFailedWithItsError() throws Exception {
    PgBase base = Pg.fresh(pg, "failing");
    submit(base, SimRuns.plan("failing", 1), 1);
    try (JobQueue q = new JobQueue(base)) {
      q.submit(
          "failing",
          SimRuns.plan("failing", 1),
          "sim:nano",
          List.of(),
          "sim",
          2,
          List.of(new JobQueue.NewJob("no-such-configuration", 1, 99, "x", false)));
    }
    runAll(List.of(agent(base, "f1", Duration.ofSeconds(30), true)));
    assertThat(states(base)).isEqualTo(Map.of("done", 4L, "failed", 1L));
    try (JobQueue q = new JobQueue(base)) {
      JobQueue.FailedJob f = q.status("failing").failed().get(0);
      assertThat(f.configKey()).isEqualTo("no-such-configuration");
      assertThat(f.error()).contains("not in the plan");
      assertThat(q.retry("failing")).isEqualTo(1);
      assertThat(q.status("failing").jobs().get("queued")).isEqualTo(1L);
      assertThat(q.cancel("failing")).isEqualTo(1);
    }
  }

  @Test
  void theClaimBenchmarksAgentsDrainTheQueueExactlyOnce() throws Exception {
    // correctness of the benchmark's harness only: its timings are measured by the script
    String report = ClaimBench.run(Pg.fresh(pg, "bench"), 300, 12, false, 0);
    assertThat(report).contains("300 claimed, 0 duplicates, 0 lost, 300 done, 0 agent errors");
  }

  @Test
  void commandPlansAreClaimedOnlyByAgentsThatAllowThem() throws Exception {
    PgBase base = Pg.fresh(pg, "commands");
    try (JobQueue q = new JobQueue(base)) {
      q.install();
      q.submit(
          "cmd",
          "plan",
          "sim:nano",
          List.of("lab"),
          "command",
          3,
          List.of(new JobQueue.NewJob("k", 1, 0, "s", false)));
      JobQueue.AgentInfo careful =
          new JobQueue.AgentInfo("careful", "sim:nano", List.of("lab"), "t", false);
      JobQueue.AgentInfo unlabelled =
          new JobQueue.AgentInfo("unlabelled", "sim:nano", List.of(), "t", true);
      JobQueue.AgentInfo trusting =
          new JobQueue.AgentInfo("trusting", "sim:nano", List.of("lab", "x"), "t", true);
      q.register(careful);
      assertThat(q.claim(careful, Duration.ofMinutes(1))).isEmpty();
      assertThat(q.anythingFor(careful)).isFalse();
      assertThat(q.claim(unlabelled, Duration.ofMinutes(1))).isEmpty();
      assertThat(q.claim(trusting, Duration.ofMinutes(1))).isPresent();
    }
  }
}
