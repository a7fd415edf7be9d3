package io.inferwatt.hardware.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs run to set a knob (nvpmodel, jetson_clocks), as {@link ProcessRunner} runs them. */
class SystemProcessRunnerTest {

  @Test
  void aProgramsOutputAndStatusAreReturned() {
    ProcessRunner.Result r =
        SystemProcessRunner.INSTANCE.run(
            List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
  }

  @Test
  void aProgramThatLeavesADaemonHoldingItsOutputReturnsOnceItExits() {
    // what the program started keeps stdout and stderr open for 30 s; the program exits after a
    // pause, so that the readers wait on the pipes when it exits (the JVM drains and closes a pipe
    // it finds idle then, but not one a reader is blocked on); both are read, then cut off in about
    // 6 s each, well before the 30 s (the test fails at 25 s)
    ProcessRunner.Result r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(25),
            () ->
                SystemProcessRunner.INSTANCE.run(
                    List.of("sh", "-c", "sleep 30 & echo started; sleep 0.3"),
                    Duration.ofSeconds(30)));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("started\n");
  }
}
