package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of every inference laid on the time axis (paper §III.B): from the inference's start,
 * each layer takes its profiled duration (or starts at its own {@code start_ns}); what is left
 * until the inference's end is the unattributed tail. The result is a list of intervals sorted by
 * start, each tagged with its layer slot (the layer index) or -1 for a tail.
 */
final class LayerLayout {
  long[] starts;
  long[] ends;
  int[] slotOf;
  int intervalCount;
  int slotCount;
  String[] names;
  String[] types;
  long[] cycles;
  double[] durationSumNs;
  double tailSumNs;
  long tailCount;

  private LayerLayout() {}

  static LayerLayout build(EventLog events, List<InferenceEvent> byStart, List<String> warnings) {
    LayerLayout l = new LayerLayout();
    Map<Long, Integer> pos = new HashMap<>(byStart.size() * 2);
    for (int i = 0; i < byStart.size(); i++) {
      pos.put(byStart.get(i).seq(), i);
    }
    Map<Long, Boolean> known = new HashMap<>();
    for (InferenceEvent e : events.inferences()) {
      known.put(e.seq(), Boolean.TRUE);
    }
    int n = events.layerCount();
    int[] sel = new int[n];
    int[] selPos = new int[n];
    int m = 0;
    int maxIndex = -1;
    for (int i = 0; i < n; i++) {
      long seq = events.layerSeq(i);
      Integer p = pos.get(seq);
      if (p == null) {
        if (!known.containsKey(seq)) {
          throw new BadInputException(
              (events.layerLine(i) > 0 ? "line " + events.layerLine(i) + ": " : "")
                  + "layer "
                  + events.layerIndex(i)
                  + " belongs to unknown inference seq "
                  + seq);
        }
        continue;
      }
      sel[m] = i;
      selPos[m] = p;
      m++;
      maxIndex = Math.max(maxIndex, events.layerIndex(i));
    }
    boolean sorted = true;
    for (int k = 1; k < m && sorted; k++) {
      sorted = compare(events, selPos, sel, k - 1, k) < 0;
    }
    if (!sorted) {
      Integer[] order = new Integer[m];
      for (int k = 0; k < m; k++) {
        order[k] = k;
      }
      final int[] fs = sel;
      final int[] fp = selPos;
      Arrays.sort(order, (a, b) -> compare(events, fp, fs, a, b));
      int[] s2 = new int[m];
      int[] p2 = new int[m];
      for (int k = 0; k < m; k++) {
        s2[k] = sel[order[k]];
        p2[k] = selPos[order[k]];
      }
      sel = s2;
      selPos = p2;
    }
    l.slotCount = maxIndex + 1;
    l.names = new String[l.slotCount];
    l.types = new String[l.slotCount];
    l.cycles = new long[l.slotCount];
    l.durationSumNs = new double[l.slotCount];
    int cap = m + byStart.size();
    l.starts = new long[cap];
    l.ends = new long[cap];
    l.slotOf = new int[cap];
    long clipped = 0;
    int k = 0;
    while (k < m) {
      int p = selPos[k];
      InferenceEvent inf = byStart.get(p);
      long cursor = inf.startNs();
      int prevIndex = -1;
      for (; k < m && selPos[k] == p; k++) {
        int i = sel[k];
        int slot = events.layerIndex(i);
        if (slot == prevIndex) {
          throw new BadInputException(
              (events.layerLine(i) > 0 ? "line " + events.layerLine(i) + ": " : "")
                  + "layer index "
                  + slot
                  + " appears twice in inference seq "
                  + inf.seq());
        }
        prevIndex = slot;
        if (l.names[slot] == null) {
          l.names[slot] = events.layerName(i);
          l.types[slot] = events.layerType(i);
        }
        long dur = events.layerDurationNs(i);
        l.cycles[slot]++;
        l.durationSumNs[slot] += dur;
        long own = events.layerStartNsOrMin(i);
        long start = own == Long.MIN_VALUE ? cursor : own;
        start = Math.max(start, inf.startNs());
        long end = start + dur;
        if (end > inf.endNs()) {
          clipped++;
          end = inf.endNs();
        }
        if (end > start) {
          l.add(start, end, slot);
        }
        cursor = Math.max(cursor, end);
      }
      l.tailCount++;
      if (cursor < inf.endNs()) {
        l.tailSumNs += inf.endNs() - cursor;
        l.add(cursor, inf.endNs(), -1);
      }
    }
    if (clipped > 0) {
      warnings.add(
          clipped
              + " layer intervals reached past their inference's end and were cut there"
              + " (profiled layer times add up to more than the latency)");
    }
    l.sortByStart();
    return l;
  }

  private static int compare(EventLog ev, int[] pos, int[] sel, int a, int b) {
    int c = Integer.compare(pos[a], pos[b]);
    return c != 0 ? c : Integer.compare(ev.layerIndex(sel[a]), ev.layerIndex(sel[b]));
  }

  private void add(long start, long end, int slot) {
    starts[intervalCount] = start;
    ends[intervalCount] = end;
    slotOf[intervalCount] = slot;
    intervalCount++;
  }

  private void sortByStart() {
    for (int i = 1; i < intervalCount; i++) {
      if (starts[i] < starts[i - 1]) {
        Integer[] order = new Integer[intervalCount];
        for (int k = 0; k < intervalCount; k++) {
          order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long[] s = new long[intervalCount];
        long[] e = new long[intervalCount];
        int[] o = new int[intervalCount];
        for (int k = 0; k < intervalCount; k++) {
          s[k] = starts[order[k]];
          e[k] = ends[order[k]];
          o[k] = slotOf[order[k]];
        }
        starts = s;
        ends = e;
        slotOf = o;
        return;
      }
    }
  }
}
