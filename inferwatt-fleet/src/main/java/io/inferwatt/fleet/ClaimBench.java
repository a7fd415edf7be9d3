package io.inferwatt.fleet;

import io.inferwatt.store.PgBase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queue's claim benchmark ({@code scripts/fleet-claim-bench.sh}): {@code jobs} queued
 * configurations drained by {@code agents} threads, each with its own connection, claiming and
 * marking done as fast as they can. The measurement is a no-op (the claim path alone: claim, done),
 * so the numbers are the queue's ceiling, not a study's pace; {@code --measure-ms} puts a sleep in
 * its place (e.g. 20 ms, one of the paper's layer cycles) for agents that also measure.
 *
 * <p>Arguments: {@code [--jobs N] [--agents N] [--warmup N] [--durable-claims] [--measure-ms MS]
 * [--url postgresql://… --password-file FILE]}; without a URL it starts a scratch server with
 * durable commits (the queue's own statements still commit asynchronously, as an agent's do, unless
 * {@code --durable-claims}). A warm-up round (default 10 jobs per agent, not counted) lets the JVM
 * compile the claim path and the server prepare its statements. Prints claims per second, claim
 * latency as the agent sees it (p50, p95, p99, max) and the exactly-once check (duplicates, lost
 * jobs), after a run of one agent alone (200 jobs) that shows a claim's cost without contention.
 */
public final class ClaimBench {
  private ClaimBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = 2000;
    int agents = 32;
    int warmup = -1;
    boolean durableClaims = false;
    long measureMs = 0;
    String url = null;
    Path passwordFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--agents" -> agents = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--durable-claims" -> durableClaims = true;
        case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
        case "--url" -> url = args[++i];
        case "--password-file" -> passwordFile = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: ClaimBench [--jobs N] [--agents N] [--warmup N] [--durable-claims] [--measure-ms MS]"
                  + " [--url postgresql://… --password-file FILE]");
          System.exit(2);
        }
      }
    }
    ScratchPostgres scratch = null;
    PgBase base;
    if (url != null) {
      base = PgBase.parse(url, passwordFile);
    } else {
      scratch = ScratchPostgres.start(true);
      base = PgBase.parse(scratch.url(), scratch.passwordFile());
    }
    try {
      // warm-up: the agents' JVM compiles the claim path and the server prepares the statements
      int w = warmup < 0 ? 10 * agents : warmup;
      if (w > 0) {
        System.out.println("warm-up (not counted):");
        System.out.println(run(base, w, agents, durableClaims, measureMs));
      }
      // one agent alone: a claim's round trip and the server's work, without contention
      System.out.println("one agent alone (round trip and server work, no contention):");
      System.out.println(run(base, 200, 1, durableClaims, measureMs));
      System.out.println(run(base, jobs, agents, durableClaims, measureMs));
    } finally {
      if (scratch != null) {
        scratch.close();
      }
    }
  }

  /** One run; returns the report. */
  static String run(PgBase base, int jobs, int agents, boolean durableClaims, long measureMs)
      throws Exception {
    String study = "bench-" + System.nanoTime();
    try (JobQueue q = new JobQueue(base)) {
      q.install();
      List<JobQueue.NewJob> list = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        list.add(new JobQueue.NewJob("k" + i, 1, i, "bench", false));
      }
      q.submit(study, "bench", "bench:fake", List.of(), "sim", 3, list);
    }
    ConcurrentHashMap<Long, Integer> claimed = new ConcurrentHashMap<>();
    long[][] latencies = new long[agents][];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(agents);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      int idx = a;
      Thread t =
          new Thread(
              () -> {
                long[] lat = new long[jobs];
                int n = 0;
                JobQueue.AgentInfo me =
                    new JobQueue.AgentInfo("bench-" + idx, "bench:fake", List.of(), "bench", false);
                try (JobQueue q = new JobQueue(base, !durableClaims)) {
                  q.register(me);
                  ready.countDown();
                  go.await();
                  while (true) {
                    long t0 = System.nanoTime();
                    var job = q.claim(me, Duration.ofMinutes(5));
                    long t1 = System.nanoTime();
                    if (job.isEmpty()) {
                      break;
                    }
                    lat[n++] = t1 - t0;
                    if (measureMs > 0) {
                      Thread.sleep(measureMs); // the measurement's stand-in
                    }
                    claimed.merge(job.get().jobId(), 1, Integer::sum);
                    q.done(study, job.get().configKey(), job.get().replica());
                  }
                } catch (Exception e) {
                  errors.incrementAndGet();
                  e.printStackTrace();
                } finally {
                  latencies[idx] = Arrays.copyOf(lat, n);
                }
              },
              "bench-agent-" + a);
      threads.add(t);
      t.start();
    }
    ready.await();
    long start = System.nanoTime();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long wallNs = System.nanoTime() - start;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    long duplicates = claimed.values().stream().filter(v -> v > 1).count();
    long done;
    try (Connection c = base.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM fleet_jobs WHERE state = 'done' AND study_id = '"
                    + study
                    + "'")) {
      rs.next();
      done = rs.getLong(1);
    }
    return String.format(
        Locale.ROOT,
        "claim benchmark (%s): %d jobs, %d agent threads, %s claims%n"
            + "  claims: %d in %.2f s = %.0f claims/s%n"
            + "  claim latency (as the agent sees it): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms%n"
            + "  exactly once: %d claimed, %d duplicates, %d lost, %d done, %d agent errors",
        measureMs > 0 ? "each measurement a " + measureMs + " ms sleep" : "no-op measurement",
        jobs,
        agents,
        durableClaims ? "durable" : "asynchronous-commit",
        all.length,
        wallNs / 1e9,
        all.length / (wallNs / 1e9),
        pct(all, 0.50) / 1e6,
        pct(all, 0.95) / 1e6,
        pct(all, 0.99) / 1e6,
        (all.length == 0 ? 0 : all[all.length - 1]) / 1e6,
        claimed.size(),
        duplicates,
        jobs - claimed.size(),
        done,
        errors.get());
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
