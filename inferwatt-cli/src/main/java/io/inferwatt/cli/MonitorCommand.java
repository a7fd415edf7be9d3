package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.hardware.sensors.AbsentSource;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.hardware.sensors.SourceStats;
import io.inferwatt.study.boards.Board;
import io.inferwatt.study.boards.Boards;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt monitor}: every rail live, refreshed in place on a terminal and as plain lines
 * elsewhere; optionally a Prometheus endpoint.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Shows every power rail live, with the power logger's own rate and cost.",
      "Per rail: current, mean, min/max, energy since the start and a trend line. Refreshes in",
      "place on a terminal, prints plain lines once a second otherwise (a pipe, CI). With",
      "--prometheus, serves /metrics with hw_power_watts and hw_energy_joules_total per board and",
      "rail (label simulated=\"true\" on a virtual board); nothing listens otherwise.",
      "--board sim:nano shows the virtual Jetson Nano where there is no sensor, --board sim:gpu",
      "the virtual GPU through its simulated NVML: every number is simulated and labelled",
      "[simulated]."
    })
final class MonitorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RootOption root;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      converter = LogCommand.DurationConverter.class,
      description = "stop after TIME (default: until Ctrl-C)")
  Duration duration;

  @Option(
      names = "--period",
      paramLabel = "TIME",
      converter = LogCommand.DurationConverter.class,
      description = "time between reads; default: as fast as each sensor updates")
  Duration period;

  @Option(
      names = "--prometheus",
      paramLabel = "HOST:PORT",
      description =
          "serve Prometheus metrics on http://HOST:PORT/metrics (e.g. 127.0.0.1:9464; a host"
              + " other than 127.0.0.1/localhost exposes them to the network)")
  String prometheus;

  @Option(
      names = "--board",
      paramLabel = "NAME",
      description =
          "the board whose sensors to show, also the metrics' board label: local (this machine's"
              + " sensors under --root), jetson, linux-cpu, sim:nano (the virtual Jetson Nano"
              + " running mobilenetv2) or sim:gpu (the virtual GPU running resnet18, read through"
              + " its NVML; every number [simulated]); default: ${DEFAULT-VALUE}")
  String board = "local";

  @Option(
      names = "--plain",
      description = "plain lines even on a terminal (default: plain when not a terminal)")
  boolean plain;

  @Option(
      names = "--ansi",
      description =
          "refresh in place even when the output is not a terminal (e.g. under watch or script)")
  boolean ansiAlways;

  /** Parses {@code HOST:PORT}; the host may be a bracketed IPv6 address. */
  static InetSocketAddress address(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new BadInputException(
          "--prometheus " + s + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new BadInputException(
          "--prometheus " + s + ": the port must be 0 to 65535, e.g. 127.0.0.1:9464");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public Integer call() throws Exception {
    root.folder();
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new BadInputException(
          "--duration " + LogCommand.format(duration) + " must be positive");
    }
    if (period != null && period.isNegative()) {
      throw new BadInputException("--period " + LogCommand.format(period) + " is negative");
    }
    if (plain && ansiAlways) {
      throw new BadInputException("--plain and --ansi contradict each other: choose one");
    }
    Board b = Boards.get(board);
    InetSocketAddress addr = prometheus == null ? null : address(prometheus);
    PrintWriter out = spec.commandLine().getOut();
    boolean ansi =
        ansiAlways || (!plain && System.console() != null && !"dumb".equals(System.getenv("TERM")));
    try {
      monitor(b, addr, out, ansi);
    } finally {
      finished.countDown(); // after the summary and the sensors' close: a Ctrl-C hook waits for it
    }
    return 0;
  }

  private void monitor(Board b, InetSocketAddress addr, PrintWriter out, boolean ansi)
      throws InterruptedException {
    try (PowerSources.Discovery found = b.sensors(root.path)) {
      if (found.present().isEmpty()) {
        StringBuilder why = new StringBuilder();
        for (AbsentSource a : found.absent()) {
          why.append("; ").append(a.kind()).append(": ").append(a.reason());
        }
        throw new BadInputException(
            "no power sensor under " + root + why + " (inferwatt sensors --root DIR says more)");
      }
      try (Monitor m = new Monitor(found.present(), period, b.name(), addr, b.simulated())) {
        if (m.port() >= 0) {
          out.println(
              "serving http://"
                  + addr.getHostString()
                  + ":"
                  + m.port()
                  + "/metrics (Ctrl-C stops)");
          out.flush();
        }
        run(m, out, ansi);
        m.pump();
        out.println("summary:");
        for (String line : m.table()) {
          out.println("  " + line);
        }
        for (SourceStats st : m.stats()) {
          if (st.failure() != null) {
            out.println("  " + st.kind() + " stopped: " + st.failure());
          }
        }
        out.flush();
      }
    }
  }

  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  private void run(Monitor m, PrintWriter out, boolean ansi) throws InterruptedException {
    // Ctrl-C: end the loop, let the summary print and the sensors close, then let the JVM go
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "inferwatt-monitor-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long start = System.nanoTime();
      long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
      long nextShow = start + 1_000_000_000L;
      MonitorScreen screen = new MonitorScreen(out, ansi);
      while (!stop.get() && System.nanoTime() - end < 0) {
        Thread.sleep(50);
        m.pump();
        if (System.nanoTime() - nextShow >= 0) {
          nextShow += 1_000_000_000L;
          screen.show(ansi ? m.table() : m.plainLines());
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down (Ctrl-C): the hook waits for `finished`
      }
    }
  }
}
