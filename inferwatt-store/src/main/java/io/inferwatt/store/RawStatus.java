package io.inferwatt.store;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What raw data a stored run keeps, and where its analysis comes from.
 *
 * @param kept {@code all}, {@code summary} or {@code none} as the run was stored with ({@code
 *     --keep-raw}); empty for a run stored before the base recorded it (schema version 5)
 * @param samples raw power samples kept (instants, not rows per rail)
 * @param events raw inference and layer events kept
 * @param derivedFrom the run this one was re-analysed from ({@code inferwatt reanalyze}), or empty
 *     for a measured run
 */
public record RawStatus(String kept, long samples, long events, OptionalLong derivedFrom) {

  public RawStatus {
    Objects.requireNonNull(kept, "kept");
    Objects.requireNonNull(derivedFrom, "derivedFrom");
  }

  /** Whether the run's recording can be analysed again: it kept its events (and samples). */
  public boolean reanalysable() {
    return events > 0;
  }
}
