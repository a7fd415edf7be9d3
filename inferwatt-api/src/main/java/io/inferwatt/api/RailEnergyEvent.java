package io.inferwatt.api;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One rail's energy over one window, as a JFR event: its start and duration are the window's, so
 * JDK Mission Control shows it on the timeline next to CPU samples and allocations.
 */
@Name(RailEnergyEvent.NAME)
@Label("Window energy")
@Category({"inferwatt"})
@Description("Energy and mean power of one power rail over one inferwatt window")
@StackTrace(false)
final class RailEnergyEvent extends jdk.jfr.Event {

  static final String NAME = "io.inferwatt.WindowEnergy";

  @Label("Window")
  String window;

  @Label("Rail")
  String rail;

  @Label("Energy (mJ)")
  double energyMj;

  @Label("Energy uncertainty (mJ)")
  double energyUncertaintyMj;

  @Label("Mean power (mW)")
  double meanPowerMw;

  @Label("Samples")
  long samples;

  @Label("Coverage")
  double coverage;

  @Label("Below sensor resolution")
  boolean belowResolution;

  @Label("Simulated")
  @Description("true when the readings come from a virtual board, not a sensor")
  boolean simulated;
}
