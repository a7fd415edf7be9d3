package io.inferwatt.engines.runner;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts child processes; tests inject their own to see or change what is started. */
@FunctionalInterface
public interface ProcessLauncher {

  /**
   * Starts {@code argv} with {@code env} added to this process's environment.
   *
   * @throws IOException when the program cannot be started
   */
  Process launch(List<String> argv, Map<String, String> env, Path workDir) throws IOException;

  /**
   * {@link ProcessBuilder}, standard input closed, stdout and stderr as pipes. Where {@code
   * setsid(1)} is installed the child runs through it and so leads its own process group (the same
   * process: {@code setsid} only forks when its caller already leads a group, which a child of the
   * JVM never does), so that {@link Processes#destroyTree} can end whatever it leaves behind.
   */
  static ProcessLauncher system() {
    Path setsid =
        List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    return (argv, env, workDir) -> {
      List<String> command = argv;
      if (setsid != null) {
        // setsid would start but then fail to run a missing program (status 127): check first,
        // so that a missing program stays an IOException that names it
        requireProgram(argv.get(0), workDir, env.getOrDefault("PATH", System.getenv("PATH")));
        command = new ArrayList<>();
        command.add(setsid.toString());
        command.addAll(argv);
      }
      ProcessBuilder b = new ProcessBuilder(command);
      b.environment().putAll(env);
      if (workDir != null) {
        b.directory(workDir.toFile());
      }
      b.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      return b.start();
    };
  }

  private static void requireProgram(String program, Path workDir, String path) throws IOException {
    if (program.contains("/")) {
      Path p = Path.of(program);
      if (!p.isAbsolute() && workDir != null) {
        p = workDir.resolve(p);
      }
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return;
      }
    } else {
      for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return;
        }
      }
    }
    throw new IOException(
        "Cannot run program \"" + program + "\": no such executable file (on PATH)");
  }
}
