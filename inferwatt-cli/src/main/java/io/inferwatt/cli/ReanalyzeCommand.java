package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisStream;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawRecording;
import io.inferwatt.store.RawStatus;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.store.StoredRun;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt reanalyze RUN}: the analysis re-run from a stored run's raw recording, with
 * another layer mapping; stored as a new run that records which run it derives from (the original
 * is never changed), then shown as {@code show} shows a run.
 */
@Command(
    name = "reanalyze",
    mixinStandardHelpOptions = true,
    description =
        "Re-run the analysis of a stored run from its raw samples and events (another mapping);"
            + " stores a new run derived from it.")
final class ReanalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Parameters(
      index = "0",
      paramLabel = "RUN",
      description = "the run's id (see inferwatt runs); it must have kept its raw recording")
  long runId;

  @Mixin MappingOptions analysis;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    new OutputCheck().writesBase(db.path).check();
    long newId;
    try (Store store = db.openExisting()) {
      MeasurementStore base = store.base();
      StoredRun run =
          base.run(runId)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          "run " + runId + " is not in " + db + "; inferwatt runs lists the runs"));
      long source = recordingOf(base, runId);
      AnalysisOptions options =
          analysis.options(run.result().minSamplesPerLayer()).withRails(run.result().rails());
      // the recording streams from the base into the analysis (memory does not grow with it)
      AnalysisResult result =
          base.replay(
                  source,
                  (RawRecording rec) -> {
                    AnalysisStream stream =
                        new AnalysisStream(rec.rails(), rec.phases(), run.simulated(), options);
                    return stream.replay(rec.samples(), rec.events(stream));
                  })
              .orElseThrow();
      // per-inference records do not depend on the layer mapping: the recorded run's, as stored
      RunDetails details =
          new RunDetails(
              run.result().rails(),
              base.inferenceRecords(source),
              base.layerFeatures(runId),
              Optional.empty());
      RunInput derived =
          new RunInput(
                  run.board(),
                  run.simulated(),
                  run.model(),
                  run.settings(),
                  run.startedAt(),
                  Main.version(),
                  run.environment(),
                  result,
                  run.totalRail(),
                  Optional.empty(),
                  details)
              .derivedFrom(source);
      newId = base.saveRun(derived);
    }
    ShowCommand show = new ShowCommand();
    show.spec = spec;
    show.db = db;
    show.runId = newId;
    show.output = output;
    return show.call();
  }

  /**
   * The run whose raw recording {@code id}'s analysis comes from: {@code id} itself, or the run it
   * was re-analysed from.
   *
   * @throws BadInputException in one line when there is none, with the {@code --keep-raw} that
   *     would have kept it
   */
  static long recordingOf(MeasurementStore base, long id) {
    long at = id;
    for (int hops = 0; hops < 64; hops++) {
      RawStatus st = base.rawStatus(at).orElseThrow();
      if (st.reanalysable()) {
        return at;
      }
      if (st.derivedFrom().isEmpty()) {
        break;
      }
      at = st.derivedFrom().getAsLong();
    }
    RawStatus st = base.rawStatus(at).orElseThrow();
    String how =
        switch (st.kept()) {
          case "none", "summary" -> "it was stored with --keep-raw " + st.kept();
          default ->
              st.samples() > 0
                  ? "it kept its raw samples but not its events (stored before inferwatt kept them)"
                  : "it was stored before inferwatt kept raw recordings";
        };
    throw new BadInputException(
        "run "
            + id
            + (at == id ? "" : " (re-analysed from run " + at + ")")
            + " has no raw recording to re-analyse: "
            + how
            + "; only runs measured with --keep-raw all (the default) can be re-analysed");
  }
}
