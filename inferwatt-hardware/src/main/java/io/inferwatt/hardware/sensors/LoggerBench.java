package io.inferwatt.hardware.sensors;

import io.inferwatt.core.PowerSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How fast the power logger reads a JetPack 4 INA3221 tree, against a plain Python loop that opens,
 * reads and closes each file. Builds a fake Jetson Nano tree (three {@code in_powerN_input} files)
 * in a temporary folder, has the logger read it back to back for a few seconds, then runs {@code
 * python3} on the same files for the same time.
 *
 * <p>Usage: {@code java -cp ... io.inferwatt.hardware.sensors.LoggerBench [seconds]} (default 5).
 */
public final class LoggerBench {

  private LoggerBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    Path root = Files.createTempDirectory("inferwatt-bench");
    try {
      Path iio = root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0");
      Files.createDirectories(iio);
      String[] names = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
      for (int n = 0; n < 3; n++) {
        Files.writeString(iio.resolve("rail_name_" + n), names[n] + "\n");
        Files.writeString(iio.resolve("in_power" + n + "_input"), (1000 + n) + "\n");
      }
      double javaRate = runLogger(root, seconds);
      double pyRate = runPython(iio, seconds);
      System.out.printf(
          Locale.ROOT,
          "python3 open/read/close loop: %.0f samples/s (3 files per sample)%n",
          pyRate);
      System.out.printf(Locale.ROOT, "logger / python: %.1fx%n", javaRate / pyRate);
    } finally {
      try (Stream<Path> all = Files.walk(root)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static double runLogger(Path root, double seconds) throws InterruptedException {
    try (PowerSources.Discovery d = PowerSources.discover(root);
        PowerLogger logger =
            PowerLogger.create(
                d.present(), PowerLogger.Options.defaults().withPeriod(Duration.ZERO))) {
      long[] count = {0};
      double[] check = {0};
      // warm-up: let the JIT compile the read path
      logger.start();
      long warmEnd = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        PowerSample s = logger.poll(100, TimeUnit.MILLISECONDS);
        if (s != null) {
          check[0] += s.powerMw()[0];
        }
      }
      SourceStats before = logger.stats().get(0);
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        logger.drainOrdered(
            s -> {
              count[0]++;
              check[0] += s.powerMw()[0];
            });
        Thread.sleep(1);
      }
      logger.close();
      SourceStats after = logger.stats().get(0);
      long reads = after.reads() - before.reads();
      long cpu = after.cpuTimeNs() - before.cpuTimeNs();
      double elapsed = (System.nanoTime() - start) / 1e9;
      double rate = reads / elapsed;
      System.out.printf(
          Locale.ROOT,
          "logger: %.0f samples/s over %.1f s, CPU %.2f us/sample, read %.2f us mean / %.2f us p99,"
              + " period p99 %.2f us, failed %d, dropped %d%n",
          rate,
          elapsed,
          cpu / 1e3 / reads,
          after.meanReadNs() / 1e3,
          after.p99ReadNs() / 1e3,
          after.p99PeriodNs() / 1e3,
          after.failedReads(),
          after.droppedSamples());
      if (check[0] <= 0) {
        throw new IllegalStateException("the logger read nothing");
      }
      return rate;
    }
  }

  private static double runPython(Path iio, double seconds)
      throws IOException, InterruptedException {
    String script =
        String.join(
            "\n",
            "import sys, time",
            "d = sys.argv[1]; secs = float(sys.argv[2])",
            "files = [d + '/in_power%d_input' % n for n in range(3)]",
            "n = 0; total = 0",
            "end = time.monotonic() + secs",
            "while time.monotonic() < end:",
            "    for f in files:",
            "        with open(f) as fh:",
            "            total += int(fh.read())",
            "    n += 1",
            "print(n / secs)");
    Process p =
        new ProcessBuilder("python3", "-c", script, iio.toString(), Double.toString(seconds))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("python3 failed: " + out);
    }
    List<String> lines = out.lines().toList();
    return Double.parseDouble(lines.get(lines.size() - 1));
  }
}
