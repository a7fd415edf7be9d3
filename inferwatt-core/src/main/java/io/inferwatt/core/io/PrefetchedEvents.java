package io.inferwatt.core.io;

import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An events stream read and parsed on a thread of its own, ahead of the caller: the parsed events
 * come over a bounded queue in batches of {@value #BATCH} (at most {@value #BATCHES} batches exist,
 * reused: memory does not grow with the stream) and go into the sink on the caller's thread, one
 * per {@link #next()}, in the order of the file. A bad line ends the stream where it stands: the
 * events before it are delivered, then its {@link FormatException}. A sink's complaint about an
 * event (an {@link IllegalArgumentException}, e.g. events out of order) becomes a {@link
 * FormatException} naming the event's line, with the complaint as its cause, as {@link
 * EventsJsonl.Lines} does.
 */
final class PrefetchedEvents implements AutoCloseable {

  /** Events per batch. */
  static final int BATCH = 4096;

  /** Batches in all: one being filled, one being fed, the rest queued. */
  static final int BATCHES = 6;

  private static final byte INFERENCE = 0;
  private static final byte LAYER = 1;
  private static final byte PHASE = 2;
  private static final byte META = 3;

  /** Parsed events of one stretch of the stream. */
  private static final class Batch implements EventSink {
    final byte[] kind = new byte[BATCH];
    final long[] seq = new long[BATCH];
    final int[] index = new int[BATCH];
    final long[] durationNs = new long[BATCH];
    final long[] startNs = new long[BATCH];
    final long[] line = new long[BATCH];
    final String[] name = new String[BATCH];
    final String[] type = new String[BATCH];
    final Object[] object = new Object[BATCH];
    int size;
    boolean end;
    RuntimeException error;
    long currentLine;

    boolean full() {
      return size == BATCH;
    }

    @Override
    public void inference(InferenceEvent e) {
      kind[size] = INFERENCE;
      object[size] = e;
      line[size++] = currentLine;
    }

    @Override
    public void layer(
        long s, int i, String n, String t, long duration, long startNsOrMin, long lineNo) {
      kind[size] = LAYER;
      seq[size] = s;
      index[size] = i;
      name[size] = n;
      type[size] = t;
      durationNs[size] = duration;
      startNs[size] = startNsOrMin;
      line[size++] = lineNo;
    }

    @Override
    public void phase(PhaseEvent e) {
      kind[size] = PHASE;
      object[size] = e;
      line[size++] = currentLine;
    }

    @Override
    public void meta(String key, Object value) {
      kind[size] = META;
      name[size] = key;
      object[size] = value;
      line[size++] = currentLine;
    }
  }

  private final String source;
  private final EventSink sink;
  private final long leadLines;
  private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
  private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
  private final Thread reader;
  private Batch current;
  private int at;
  private long line;
  private boolean done;

  /**
   * Reads {@code in} into {@code sink}; a phase or meta line after line {@code leadLines} throws
   * {@link EventsJsonl.LateHeader} ({@link Long#MAX_VALUE}: never).
   */
  PrefetchedEvents(String source, InputStream in, EventSink sink, long leadLines) {
    this.source = source;
    this.sink = sink;
    this.leadLines = leadLines;
    for (int i = 0; i < BATCHES; i++) {
      free.add(new Batch());
    }
    reader = new Thread(() -> read(in), "inferwatt-events-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Thrown inside the reader when the caller closed the stream. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  /** The batch being filled (reader thread only). */
  private Batch filling;

  /** The reader thread's sink: into the batch being filled, handed over when full. */
  private final EventSink into =
      new EventSink() {
        @Override
        public void inference(InferenceEvent e) {
          room().inference(e);
        }

        @Override
        public void layer(
            long s, int i, String n, String t, long duration, long startNsOrMin, long lineNo) {
          room().layer(s, i, n, t, duration, startNsOrMin, lineNo);
        }

        @Override
        public void phase(PhaseEvent e) {
          room().phase(e);
        }

        @Override
        public void meta(String key, Object value) {
          room().meta(key, value);
        }
      };

  /** The batch being filled, after handing it over when it is full. */
  private Batch room() {
    if (filling.full()) {
      long at = filling.currentLine;
      hand(filling);
      filling = take(free);
      filling.currentLine = at;
    }
    return filling;
  }

  private void hand(Batch b) {
    try {
      full.put(b);
    } catch (InterruptedException e) {
      throw new Stop();
    }
  }

  private static Batch take(BlockingQueue<Batch> q) {
    try {
      return q.take();
    } catch (InterruptedException e) {
      throw new Stop();
    }
  }

  /**
   * The reader thread: parses line by line into batches until the end, a bad line (handed over
   * after the events before it) or a close.
   */
  private void read(InputStream in) {
    try (LineReader lines = new LineReader(source, in)) {
      filling = take(free);
      EventsJsonl.Parser parser = new EventsJsonl.Parser(source, into, false);
      try {
        while (lines.next()) {
          filling.currentLine = lines.lineNumber();
          parser.accept(lines.buffer(), lines.start(), lines.length(), lines.lineNumber());
        }
      } catch (Stop e) {
        throw e;
      } catch (RuntimeException e) {
        filling.error = e;
      }
      filling.end = true;
      hand(filling);
    } catch (Stop | UncheckedIOException e) {
      // closed by the caller (a read interrupted by the close ends up here too): nothing is wanted
      if (!Thread.currentThread().isInterrupted() && e instanceof UncheckedIOException u) {
        Batch fail = new Batch();
        fail.error = u;
        fail.end = true;
        full.offer(fail);
      }
    }
  }

  /** Feeds the next event into the sink; false at the end of the stream. */
  boolean next() {
    while (true) {
      if (done) {
        return false;
      }
      if (current != null && at < current.size) {
        feed(current, at++);
        return true;
      }
      if (current != null) {
        if (current.error != null) {
          done = true;
          throw current.error;
        }
        if (current.end) {
          done = true;
          return false;
        }
        recycle(current);
      }
      try {
        current = full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading " + source, e);
      }
      at = 0;
    }
  }

  private void recycle(Batch b) {
    b.size = 0;
    b.end = false;
    b.error = null;
    Arrays.fill(b.object, null);
    free.add(b);
  }

  private void feed(Batch b, int i) {
    line = b.line[i];
    try {
      switch (b.kind[i]) {
        case INFERENCE -> sink.inference((InferenceEvent) b.object[i]);
        case LAYER ->
            sink.layer(
                b.seq[i],
                b.index[i],
                b.name[i],
                b.type[i],
                b.durationNs[i],
                b.startNs[i],
                b.line[i]);
        case PHASE -> {
          checkLead();
          sink.phase((PhaseEvent) b.object[i]);
        }
        default -> {
          checkLead();
          sink.meta(b.name[i], b.object[i]);
        }
      }
    } catch (FormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw FormatException.fromSink(source, line, e);
    }
  }

  private void checkLead() {
    if (line > leadLines) {
      throw new EventsJsonl.LateHeader(line);
    }
  }

  /** The line of the event fed last. */
  long line() {
    return line;
  }

  /** Stops the reader (it may still be ahead) and waits for it briefly. */
  @Override
  public void close() {
    reader.interrupt();
    try {
      reader.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
