package io.inferwatt.hardware.knobs;

import io.inferwatt.hardware.Knob;
import java.util.List;

/** A knob that can say, before it is changed, how to put the board back exactly as it is now. */
public interface Restorable extends Knob {

  /**
   * The steps that restore the current state (files, modes), read now. {@link AppliedSettings}
   * writes them to the state file before the first change.
   */
  List<RestoreStep> restoreSteps();
}
