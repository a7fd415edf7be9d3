package io.inferwatt.engines.runner;

import java.io.IOException;
import java.nio.file.Path;
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

  /** {@link ProcessBuilder}, standard input closed, stdout and stderr as pipes. */
  static ProcessLauncher system() {
    return (argv, env, workDir) -> {
      ProcessBuilder b = new ProcessBuilder(argv);
      b.environment().putAll(env);
      if (workDir != null) {
        b.directory(workDir.toFile());
      }
      b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      return b.start();
    };
  }
}
