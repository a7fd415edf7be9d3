package io.inferwatt.engines.trt;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.protocol.ProtocolDriver.Recording;
import io.inferwatt.engines.trt.TrtexecProcess.Finished;
import io.inferwatt.engines.trt.TrtexecRecorder.PassAlignment;
import io.inferwatt.hardware.Recorder.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The state of one trtexec recording, shared by its backend and the engine build. */
final class TrtexecRun {
  /** A pass that ran and awaits its placement. */
  record Pass(Finished f, List<Trtexec.Iteration> it, Trtexec.Profile profile) {}

  final Workload workload;
  final Protocol protocol;
  final ProgressListener listener;
  final Path work;
  final EventLog.Builder log;
  final List<PassAlignment> alignments = new ArrayList<>();
  final List<String> notes;
  long seq;
  Trtexec.Version version = new Trtexec.Version(0, 0, 0);
  Path engine = Path.of("");
  boolean built;
  int layerCycles;
  long profiled;
  String shapes; // --shapes value for a dynamic batch dimension, or null
  Pass power;
  Pass layers;

  TrtexecRun(Recording r, Path work) {
    this.workload = r.workload();
    this.protocol = r.protocol();
    this.listener = r.listener();
    this.log = r.log();
    this.notes = r.notes();
    this.work = work;
  }
}
