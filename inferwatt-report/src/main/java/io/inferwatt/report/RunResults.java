package io.inferwatt.report;

import io.inferwatt.core.BadInputException;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawStatus;
import io.inferwatt.store.StoredRun;
import java.util.Optional;

/**
 * One stored run as the results model holds it: the run's results and, when it was measured for a
 * study, which study and configuration it is. {@code show} reads a run through this, {@code report}
 * and {@code optima} read whole studies through {@link StudyResults}; both use the store's typed
 * reads only.
 *
 * @param run the run with its settings, environment and analysis
 * @param study the study it belongs to, or empty for a run of {@code profile}
 * @param raw what of its raw recording the base keeps, and the run it was derived from
 */
public record RunResults(StoredRun run, Optional<MeasurementStore.StudyRun> study, RawStatus raw) {

  /**
   * Reads run {@code id} from {@code store}.
   *
   * @param where the base's name, for the message when the run is not there
   * @throws BadInputException when the base holds no run {@code id}
   */
  public static RunResults load(MeasurementStore store, long id, String where) {
    StoredRun run =
        store
            .run(id)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "run " + id + " is not in " + where + "; inferwatt runs lists the runs"));
    return new RunResults(run, store.studyRun(id), store.rawStatus(id).orElseThrow());
  }
}
