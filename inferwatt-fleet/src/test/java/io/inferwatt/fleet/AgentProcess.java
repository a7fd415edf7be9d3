package io.inferwatt.fleet;

import io.inferwatt.store.PgBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An agent in its own JVM, for the kill -9 test: URL, password file, id, spool, lease in ms. */
public final class AgentProcess {
  private AgentProcess() {}

  public static void main(String[] args) {
    PgBase base = PgBase.parse(args[0], Path.of(args[1]));
    Agent a =
        new Agent(
            new Agent.Options(
                base,
                new JobQueue.AgentInfo(args[2], "sim:nano", List.of(), "test", false),
                Path.of(args[3]),
                Duration.ofMillis(Long.parseLong(args[4])),
                Duration.ofMillis(100),
                true,
                null,
                "test",
                System.err::println));
    a.run();
  }
}
