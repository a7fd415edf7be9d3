package io.inferwatt.cli;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.management.ObjectName;

/**
 * Keeps the JVM's just-in-time compilation at its quick tier (C1) for a short batch that owns the
 * process. A study on a virtual board runs its whole plan in seconds, and there the optimizing
 * compiler (C2) cost more CPU than it saved: on the paper's study on {@code sim:nano} (60
 * configurations, 2 cores) the C2 threads used about 7 s of the process's 20 s of CPU, compiling
 * the analysis' and the simulation's large methods (several of them two to four times), and run in
 * turn at the same load the study took 18.3 s of CPU by default and 11.3 s with C1 alone. Results
 * do not depend on the tier (Java's floating point is the same in every tier; the stored results of
 * the study were compared).
 *
 * <p>It adds a compiler directive through the JVM's diagnostic command interface (as {@code jcmd
 * PID Compiler.directives_add} would), which excludes every method from C2; methods then stay at C1
 * (see {@link #addDirectly} for the cheap way to it). Only {@link Main#main} lets a command do it,
 * since the directive holds for the rest of the process (tests run commands inside their own JVM);
 * on a JVM without that interface it does nothing.
 */
final class QuickJit {

  /** A virtual study up to this much simulated board time is short enough (the paper's: 26 min). */
  static final double MAX_SIMULATED_NS = 3600e9;

  /**
   * {@code analyze} of recordings up to this many bytes (samples and events together) runs at C1:
   * on the paper-sized recording (133 MB, 2 cores, load 5–7, 2026-11-30) C1 alone took 2.9–3.8 s
   * wall instead of 4.6–5.7 s with the paper's mapping and 4.5–4.9 s instead of 7.5–7.9 s with the
   * window-aware one; ten times that size took 35 s instead of 20 s, so long recordings keep C2.
   */
  static final long MAX_QUICK_ANALYSIS_BYTES = 200L << 20;

  /** Every method excluded from C2, so that it stays at C1. */
  private static final String DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";

  /** The system property by which the launcher says it started the JVM at C1 alone. */
  static final String LAUNCHER_TIER = "inferwatt.jit";

  private static volatile boolean ownsProcess;

  private QuickJit() {}

  /** Called by {@link Main#main}: the command that runs is the process's only work. */
  static void processIsOurs() {
    ownsProcess = true;
  }

  /**
   * Whether {@link Main#main} started the command (not a test inside its own JVM): also what lets
   * {@code predict} use the user's cache folder ({@code LayerCache}).
   */
  static boolean ownsProcess() {
    return ownsProcess;
  }

  /**
   * Keeps compilation at C1 when the process is the command's alone and {@code simulatedNs} of a
   * virtual board's time is short ({@link #MAX_SIMULATED_NS}).
   *
   * @return whether the directive was added
   */
  static boolean forVirtualStudy(double simulatedNs) {
    return !(simulatedNs > MAX_SIMULATED_NS) && quick();
  }

  /**
   * Keeps compilation at C1 when the process is the command's alone and the recording to analyse is
   * {@code inputBytes} long, up to {@link #MAX_QUICK_ANALYSIS_BYTES}.
   *
   * @return whether the directive was added
   */
  static boolean forAnalysis(long inputBytes) {
    return inputBytes <= MAX_QUICK_ANALYSIS_BYTES && quick();
  }

  /**
   * Keeps compilation at C1 for a short command (those {@code Commands} marks quick: {@code
   * predict}, {@code runs}, {@code show}, {@code optima}, {@code query}, ...) when the process is
   * the command's alone. Such a command ends before C2's code pays for its compiling: {@code
   * predict densenet121} took 0.74–0.79 s of CPU with the directive and 0.92–0.96 s without (2
   * cores, load 15–20, 2026-11-30, with the start-up archive). The version alone does not gain:
   * there the directive cost about as much as it saved.
   *
   * <p>Started by the launcher ({@code scripts/java-command.sh}), a short command already runs with
   * C1 alone ({@code -XX:TieredStopAtLevel=1}) and the property {@value #LAUNCHER_TIER} set to
   * {@code c1}; then nothing is added (the directive would only cost its time: the temporary file,
   * the process handle, the management library).
   *
   * @return whether the directive was added
   */
  static boolean forShortCommand() {
    return !"c1".equals(System.getProperty(LAUNCHER_TIER)) && quick();
  }

  private static boolean quick() {
    if (!ownsProcess) {
      return false;
    }
    Path file = null;
    try {
      file = directivesFile();
      return addDirectly(file) || addThroughMBeanServer(file);
    } catch (Exception | LinkageError e) {
      return false; // another JVM: compile as it does by default
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
          file.toFile().deleteOnExit();
        }
      }
    }
  }

  /**
   * The directive in a new file of the temporary folder, named by the process (a random name, as
   * {@link Files#createTempFile} gives, costs seeding a secure random generator first).
   */
  private static Path directivesFile() throws java.io.IOException {
    String tmp = System.getProperty("java.io.tmpdir");
    Path file = Path.of(tmp, "inferwatt-jit-" + ProcessHandle.current().pid() + ".json");
    try {
      Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      file = Files.createTempFile("inferwatt-jit", ".json");
      Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
    }
    return file;
  }

  /**
   * Runs the diagnostic command itself, as the JVM's diagnostic command bean would, without
   * starting the platform's MBean server: that registers every platform bean first and cost about
   * 0.35 s of CPU (2 cores, 2026-11-30), this about 0.02 s. It needs the jar's manifest to open
   * {@code jdk.management}'s internal package (the launcher's {@code java -jar}); elsewhere, or on
   * a JVM whose internals differ, it returns false.
   */
  private static boolean addDirectly(Path file) {
    try {
      // its class initialisation loads the native library the command needs
      Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl");
      Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
      Method get = impl.getDeclaredMethod("getDiagnosticCommandMBean");
      Method run = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
      get.setAccessible(true);
      run.setAccessible(true);
      Object reply = run.invoke(get.invoke(null), "Compiler.directives_add " + file);
      return reply instanceof String r && r.startsWith("1 compiler directives added");
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The public way: the diagnostic command bean of the platform's MBean server. */
  private static boolean addThroughMBeanServer(Path file) throws Exception {
    ManagementFactory.getPlatformMBeanServer()
        .invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"),
            "compilerDirectivesAdd",
            new Object[] {new String[] {file.toString()}},
            new String[] {String[].class.getName()});
    return true;
  }
}
