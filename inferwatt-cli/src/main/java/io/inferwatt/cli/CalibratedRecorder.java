package io.inferwatt.cli;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.Calibration;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.ForwardingRecorder;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.List;

/**
 * A board whose samples are corrected by a stored calibration ({@code profile --calibrated}): each
 * calibrated rail's reading becomes {@code (reading − offset) / gain}.
 */
final class CalibratedRecorder implements ForwardingRecorder {
  private final Recorder inner;
  private final List<Calibration.RailFit> fits;

  CalibratedRecorder(Recorder inner, List<Calibration.RailFit> fits) {
    this.inner = inner;
    this.fits = List.copyOf(fits);
  }

  List<Calibration.RailFit> fits() {
    return fits;
  }

  @Override
  public Recorder inner() {
    return inner;
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    Timeline t = inner.record(workload, protocol, listener);
    int[] idx = new int[fits.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = t.rails().indexOf(fits.get(i).rail());
    }
    List<PowerSample> out = new ArrayList<>(t.samples().size());
    for (PowerSample s : t.samples()) {
      double[] p = s.powerMw().clone();
      for (int i = 0; i < idx.length; i++) {
        if (idx[i] >= 0) {
          p[idx[i]] = fits.get(i).correct(p[idx[i]]);
        }
      }
      out.add(new PowerSample(s.tNs(), s.readStartNs(), s.readEndNs(), p));
    }
    return new Timeline(t.rails(), out, t.events());
  }
}
