package io.inferwatt.core.analysis;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.DoubleSupplier;

/**
 * The window-aware mapping ({@link WindowMapping}) as the samples stream, in bounded memory. The
 * first {@value #RAW_CAP} samples of the mapped span are kept with the layer intervals around them;
 * a recording that fits is mapped exactly as {@link WindowMapping#map} does over all its samples. A
 * longer one has its window searched on that first stretch; from then on each sample is added to
 * the normal equations of the chosen window as soon as the layers its window can touch are known,
 * and the intervals behind it are dropped: memory depends on the layers and the window, not on the
 * length of the run.
 */
final class WindowStream {

  /** Samples kept for the window search. */
  static final int RAW_CAP = 1 << 16;

  /**
   * Layer intervals kept with them before the search starts, when {@link #MIN_SEARCH_SAMPLES}
   * samples have arrived by then.
   */
  static final int INTERVAL_CAP = 1 << 20;

  /**
   * Samples inside the mapped span that the search waits for once {@link #INTERVAL_CAP} intervals
   * are held (the events ran ahead of the samples): the coarse search's subset.
   */
  static final int MIN_SEARCH_SAMPLES = WindowMapping.COARSE_SAMPLES;

  /**
   * Layer intervals held at most while waiting for those samples ({@code 2 ×} {@link
   * #INTERVAL_CAP}, 40 MB): then the search runs on what there is, with a warning that the events
   * ran ahead of the samples, or says that there were too few samples (the paper's mapping).
   */
  private final int intervalHardCap;

  /** {@link #INTERVAL_CAP} here (smaller in tests). */
  private final int intervalCap;

  /**
   * Samples held (the search's stretch and those since) while the search runs, at most (16 MB with
   * three rails): enough that reading a paper-sized recording does not stop for the search.
   */
  static final int HELD_CAP = 8 * RAW_CAP;

  private final int nr;
  private final int[] identity;
  private final AnalysisOptions options;
  private final List<String> warnings;

  // the interval store, sorted by start (raw stretch, then a sliding stretch)
  private long[] iStart = new long[4096];
  private long[] iEnd = new long[4096];
  private int[] iSlot = new int[4096];
  private int iSize;
  private int iLo;
  private int slotCount;

  // the raw stretch of samples
  private long[] rawT = new long[1024];
  private long[] rawEnd = new long[1024];
  private double[] rawV;
  private int rawSize;

  private long spanStart = Long.MAX_VALUE;
  private long spanEnd = Long.MIN_VALUE;
  private double latencySumNs;
  private long inferences;
  private long watermark = Long.MIN_VALUE;

  // streaming, once the window is chosen
  private WindowMapping.Searched found;
  private WindowNormal normal;
  private WindowRow row;
  private long maxLenNs;
  private long nanSkipped;
  private long[] qEnd = new long[1024];
  private double[] qV;
  private int qHead;
  private int qSize;
  private final double[] scratch;

  WindowStream(int rails, AnalysisOptions options, List<String> warnings, DoubleSupplier periodNs) {
    this(rails, options, warnings, periodNs, INTERVAL_CAP);
  }

  /** With another interval cap than {@link #INTERVAL_CAP} (tests: reaching it takes fewer). */
  WindowStream(
      int rails,
      AnalysisOptions options,
      List<String> warnings,
      DoubleSupplier periodNs,
      int intervalCap) {
    this.intervalCap = intervalCap;
    this.intervalHardCap = 2 * intervalCap;
    this.periodNs = periodNs;
    this.nr = rails;
    this.identity = new int[rails];
    for (int r = 0; r < rails; r++) {
      identity[r] = r;
    }
    this.options = options;
    this.warnings = warnings;
    this.rawV = new double[1024 * rails];
    this.qV = new double[1024 * rails];
    this.scratch = new double[rails];
  }

  /** A mapped inference (in start order). */
  void inference(long startNs, long endNs) {
    spanStart = Math.min(spanStart, startNs);
    spanEnd = Math.max(spanEnd, endNs);
    latencySumNs += endNs - startNs;
    inferences++;
  }

  /** A layer interval of a mapped inference ({@code slot} -1: the tail), in about start order. */
  void interval(long start, long end, int slot) {
    if (searching != null && iSize >= intervalHardCap) {
      searched(); // no more held while the search runs
    }
    if (found != null && found.early() != null) {
      return; // the paper's mapping: no window fit to lay out for
    }
    if (found != null && iSize - iLo >= intervalHardCap) {
      compact();
      if (iSize - iLo >= intervalHardCap) {
        stopHolding();
        return;
      }
    }
    if (found != null && slot >= found.design().slots) {
      slot = -1; // a layer the search never saw: counted with the tail
    }
    if (iSize == iStart.length) {
      compact();
      if (iSize == iStart.length) {
        int n = iSize * 2;
        iStart = Arrays.copyOf(iStart, n);
        iEnd = Arrays.copyOf(iEnd, n);
        iSlot = Arrays.copyOf(iSlot, n);
      }
    }
    int at = iSize;
    while (at > iLo && iStart[at - 1] > start) {
      at--;
    }
    if (at < iSize) {
      System.arraycopy(iStart, at, iStart, at + 1, iSize - at);
      System.arraycopy(iEnd, at, iEnd, at + 1, iSize - at);
      System.arraycopy(iSlot, at, iSlot, at + 1, iSize - at);
    }
    iStart[at] = start;
    iEnd[at] = end;
    iSlot[at] = slot;
    iSize++;
    peakIntervals = Math.max(peakIntervals, iSize);
    slotCount = Math.max(slotCount, slot + 1);
    maxLenNs = Math.max(maxLenNs, end - start);
    if (searching != null) {
      if (searching.isDone()) {
        searched();
      }
    } else if (found == null
        && ((iSize > intervalCap && rawSize >= MIN_SEARCH_SAMPLES) || iSize >= intervalHardCap)) {
      if (rawSize < MIN_SEARCH_SAMPLES) {
        warnings.add(
            "the layer events ran "
                + iSize
                + " layer intervals ahead of the samples (the window search holds at most "
                + intervalHardCap
                + "; "
                + rawSize
                + " samples inside the mapped inferences had arrived): the sensor response is"
                + " searched on those samples only. Feed samples and events side by side in time"
                + " order");
      }
      chooseWindow();
    }
  }

  /** Every interval still to come starts at or after {@code t}. */
  void watermark(long t) {
    watermark = Math.max(watermark, t);
    if (searching != null && searching.isDone()) {
      searched();
    }
    if (normal != null) {
      drain(false);
    }
  }

  /** One sample in time order, values in reported-rail order (NaN = a gap). */
  void sample(long tNs, long readEndNs, double[] values) {
    if (spanStart == Long.MAX_VALUE || readEndNs < spanStart) {
      // its window ends before the first mapped inference (a sample is taken in once an inference
      // after it has arrived, so none mapped so far means none before it): never selected, not
      // kept (a long power phase before the layers would otherwise fill the search's stretch)
      return;
    }
    if (searching != null) {
      // the search runs on the stretch before this sample: held until it is done
      enqueue(readEndNs, values, 0);
      if (qSize >= HELD_CAP || searching.isDone()) {
        searched();
      }
    } else if (found == null) {
      if (rawSize == rawT.length) {
        int n = rawSize * 2;
        rawT = Arrays.copyOf(rawT, n);
        rawEnd = Arrays.copyOf(rawEnd, n);
        rawV = Arrays.copyOf(rawV, n * nr);
      }
      rawT[rawSize] = tNs;
      rawEnd[rawSize] = readEndNs;
      System.arraycopy(values, 0, rawV, rawSize * nr, nr);
      rawSize++;
      if (rawSize == RAW_CAP) {
        chooseWindow();
      }
    } else if (normal != null) {
      enqueue(readEndNs, values, 0);
      drain(false);
    }
  }

  /**
   * Starts the search on the stretch kept so far, on a thread of its own: the samples and layers
   * that come meanwhile are held ({@link #searched} takes them up), so reading the rest of the
   * recording overlaps the search. Its inputs are copies or no longer written to (the raw stretch,
   * the intervals up to now), its warnings its own list.
   */
  private void chooseWindow() {
    searchStretch = rawSize;
    SampleSource raw = rawSource();
    LayerLayout held =
        new LayerLayout(
            Arrays.copyOf(iStart, iSize),
            Arrays.copyOf(iEnd, iSize),
            Arrays.copyOf(iSlot, iSize),
            iSize,
            slotCount,
            new long[slotCount],
            new double[slotCount]);
    long from = spanStart;
    long to = spanEnd;
    double period = periodNs.getAsDouble();
    List<String> own = new ArrayList<>();
    searchWarnings = own;
    searching =
        CompletableFuture.supplyAsync(
            () -> WindowMapping.search(raw, identity, held, from, to, period, options, own),
            WindowStream::searchThread);
    for (int i = 0; i < rawSize; i++) {
      enqueue(rawEnd[i], rawV, i * nr);
    }
    rawT = null;
    rawEnd = null;
    rawV = null;
    rawSize = 0;
  }

  private static void searchThread(Runnable r) {
    Thread t = new Thread(r, "inferwatt-window-search");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Waits for the search, then streams what was held into the final fit: a layer the search never
   * saw counts with the tail.
   */
  private void searched() {
    WindowMapping.Searched s;
    try {
      s = searching.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
    searching = null;
    found = s;
    warnings.addAll(searchWarnings);
    if (found.early() != null) {
      qHead = 0;
      qSize = 0;
      return;
    }
    for (int i = iLo; i < iSize; i++) {
      if (iSlot[i] >= found.design().slots) {
        iSlot[i] = -1;
      }
    }
    normal = new WindowNormal(found.design().k, nr);
    row = new WindowRow(found.design().k);
    drain(false);
  }

  /** The search on a thread of its own, while it runs. */
  private CompletableFuture<WindowMapping.Searched> searching;

  /** The running search's warnings (read once it is done). */
  private List<String> searchWarnings;

  /** The median time between samples so far (the search's range follows from it). */
  private final DoubleSupplier periodNs;

  private void enqueue(long readEnd, double[] v, int off) {
    if (qSize == qEnd.length) {
      int n = qSize * 2;
      long[] e2 = new long[n];
      double[] v2 = new double[n * nr];
      for (int i = 0; i < qSize; i++) {
        int at = (qHead + i) % qEnd.length;
        e2[i] = qEnd[at];
        System.arraycopy(qV, at * nr, v2, i * nr, nr);
      }
      qEnd = e2;
      qV = v2;
      qHead = 0;
    }
    int at = (qHead + qSize) % qEnd.length;
    qEnd[at] = readEnd;
    System.arraycopy(v, off, qV, at * nr, nr);
    qSize++;
  }

  /**
   * Adds the held samples whose windows' layers are all known to the normal equations; at the end
   * ({@code last}) every one left, against the final span.
   */
  private void drain(boolean last) {
    WindowDesign design = found.design();
    WindowRange range = design.range;
    WindowKernel kernel = found.kernel();
    long w = kernel.lengthNs;
    long d = found.d();
    while (qSize > 0) {
      long end = qEnd[qHead];
      long windowEnd = end - range.dMin();
      if (!last && (windowEnd >= watermark || windowEnd > spanEnd)) {
        break; // layers still to come may touch it, or the span may still grow over it
      }
      int off = qHead * nr;
      qHead = (qHead + 1) % qEnd.length;
      qSize--;
      if (end - range.dMax() - range.wMax() < spanStart || windowEnd > spanEnd) {
        continue;
      }
      boolean finite = true;
      for (int r = 0; r < nr; r++) {
        scratch[r] = qV[off + r];
        finite &= Double.isFinite(scratch[r]);
      }
      if (!finite) {
        nanSkipped++;
        continue;
      }
      long a = end - d - w;
      while (iLo < iSize && iStart[iLo] + maxLenNs <= a) {
        iLo++;
      }
      design.row(kernel, end - d, iStart, iEnd, iSlot, iLo, iSize, row);
      normal.add(row, scratch, 0);
    }
  }

  /** Drops the intervals no window can touch any more. */
  private void compact() {
    if (found == null || iLo < iSize / 4) {
      return;
    }
    System.arraycopy(iStart, iLo, iStart, 0, iSize - iLo);
    System.arraycopy(iEnd, iLo, iEnd, 0, iSize - iLo);
    System.arraycopy(iSlot, iLo, iSlot, 0, iSize - iLo);
    iSize -= iLo;
    iLo = 0;
  }

  /** The layout of the intervals held, with the stream's per-slot statistics. */
  private LayerLayout layout(long[] cycles, double[] durationSumNs) {
    return new LayerLayout(
        iStart,
        iEnd,
        iSlot,
        iSize,
        slotCount,
        cycles == null ? new long[slotCount] : cycles,
        durationSumNs == null ? new double[slotCount] : durationSumNs);
  }

  /** The kept samples as a re-readable source (values already in reported-rail order). */
  private SampleSource rawSource() {
    int n = rawSize;
    long[] t = rawT;
    long[] e = rawEnd;
    double[] v = rawV;
    return () ->
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public PowerSample next() {
            if (i >= n) {
              throw new NoSuchElementException();
            }
            PowerSample s =
                new PowerSample(
                    t[i], Math.min(t[i], e[i]), e[i], Arrays.copyOfRange(v, i * nr, (i + 1) * nr));
            i++;
            return s;
          }
        };
  }

  /**
   * The mapping's outcome at the end of the run.
   *
   * @param slots the layer slots of the run, with their cycles and summed durations
   */
  WindowMapping.Outcome finish(
      int slots, long[] cycles, double[] durationSumNs, double samplePeriodNs) {
    double meanLatencyNs = latencySumNs / inferences;
    LayerLayout sized =
        new LayerLayout(
            iStart,
            iEnd,
            iSlot,
            iSize,
            Math.max(slotCount, slots),
            Arrays.copyOf(cycles, Math.max(slotCount, slots)),
            Arrays.copyOf(durationSumNs, Math.max(slotCount, slots)));
    if (searching != null) {
      searched();
    }
    if (found == null) {
      // everything was kept: exactly the mapping over all samples
      return WindowMapping.map(
          rawSource(),
          identity,
          new LayerLayout(iStart, iEnd, iSlot, iSize, slots, sized.cycles, sized.durationSumNs),
          spanStart,
          spanEnd,
          samplePeriodNs,
          meanLatencyNs,
          options,
          warnings);
    }
    if (found.early() != null) {
      return found.early();
    }
    watermark = Long.MAX_VALUE;
    drain(true);
    if (nanSkipped > 0) {
      warnings.add(
          nanSkipped
              + " samples after the window search had a rail without a value (NaN) and were left"
              + " out of the window mapping");
    }
    WindowMapping.Outcome negligible =
        WindowMapping.negligible(found, WindowMapping.shortestLayerNs(sized), options);
    if (negligible != null) {
      return negligible;
    }
    return WindowMapping.decide(found, normal, meanLatencyNs, warnings);
  }

  /** Samples of the stretch the search ran on (-1: it ran at the end, on every sample). */
  private int searchStretch = -1;

  /** The most layer intervals held at once. */
  private int peakIntervals;

  int searchStretch() {
    return searchStretch;
  }

  int peakIntervals() {
    return peakIntervals;
  }

  /**
   * The events ran {@link #intervalHardCap} layer intervals ahead of the samples after the search:
   * the window fit lets go of what it holds and the paper's mapping gives the per-layer numbers,
   * with one warning.
   */
  private void stopHolding() {
    warnings.add(
        "the layer events ran more than "
            + intervalHardCap
            + " layer intervals ahead of the samples after the sensor response search, more than"
            + " the window-aware mapping holds: the paper's mapping is used. Feed samples and"
            + " events side by side in time order");
    found =
        new WindowMapping.Searched(
            null,
            null,
            SensorResponse.INSTANT,
            0,
            List.of(),
            false,
            WindowMapping.paper(
                "the layer events ran too far ahead of the samples for the window-aware mapping"),
            null);
    normal = null;
    iStart = new long[16];
    iEnd = new long[16];
    iSlot = new int[16];
    iSize = 0;
    iLo = 0;
    qEnd = new long[16];
    qV = new double[16 * nr];
    qHead = 0;
    qSize = 0;
  }

  /** Whether any interval was laid out for the mapping. */
  boolean anyInterval() {
    return iSize > 0 || found != null || searching != null;
  }
}
