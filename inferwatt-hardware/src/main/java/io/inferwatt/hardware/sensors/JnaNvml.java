package io.inferwatt.hardware.sensors;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NVML through JNA: {@code libnvidia-ml.so.1} ({@code nvml.dll} on Windows), the {@code _v2}
 * symbols that {@code nvml.h} maps the plain names to. NVML is thread-safe; device handles are
 * fetched once.
 */
final class JnaNvml implements NvmlBinding {

  /** The C functions used, with {@code nvmlDevice_t} as an opaque pointer. */
  interface Lib extends Library {
    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference powerMw);

    int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energyMj);

    int nvmlDeviceGetFieldValues(Pointer device, int valuesCount, Pointer values);

    int nvmlDeviceGetSamples(
        Pointer device,
        int type,
        long lastSeenTimeStamp,
        IntByReference sampleValType,
        IntByReference sampleCount,
        Pointer samples);
  }

  // nvmlFieldValue_t (40 bytes, natural alignment): fieldId u32 @0, scopeId u32 @4, timestamp
  // s64 @8, latencyUsec s64 @16, valueType s32 @24, nvmlReturn s32 @28, value union(8) @32
  private static final int FIELD_SIZE = 40;

  // Scratch native memory for the calls a logger makes on every read (one field, the power):
  // allocating it per call costs a malloc and a lock on JNA's global cleaner each time.
  private final Memory oneField = new Memory(FIELD_SIZE);
  private final IntByReference powerMw = new IntByReference();
  // nvmlSample_t (16 bytes): timeStamp u64 @0, sampleValue union(8) @8
  private static final int SAMPLE_SIZE = 16;

  private final Lib lib;
  private final Pointer[] devices;
  private boolean closed;

  private JnaNvml(Lib lib, Pointer[] devices) {
    this.lib = lib;
    this.devices = devices;
  }

  /**
   * Loads and initialises NVML.
   *
   * @throws NvmlException with {@link #ERROR_LIBRARY_NOT_FOUND} when the library is absent
   */
  static NvmlBinding load() {
    Lib lib;
    try {
      lib = NvmlLibrary.load(Lib.class);
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlException(
          "loading " + NvmlLibrary.FILE,
          ERROR_LIBRARY_NOT_FOUND,
          "no NVIDIA driver library (" + firstLine(e) + ")");
    }
    check(lib, "nvmlInit_v2", lib.nvmlInit_v2());
    IntByReference count = new IntByReference();
    int rc = lib.nvmlDeviceGetCount_v2(count);
    if (rc != SUCCESS) {
      lib.nvmlShutdown();
      check(lib, "nvmlDeviceGetCount_v2", rc);
    }
    Pointer[] devices = new Pointer[count.getValue()];
    for (int i = 0; i < devices.length; i++) {
      PointerByReference h = new PointerByReference();
      rc = lib.nvmlDeviceGetHandleByIndex_v2(i, h);
      if (rc != SUCCESS) {
        lib.nvmlShutdown();
        check(lib, "nvmlDeviceGetHandleByIndex_v2(" + i + ")", rc);
      }
      devices[i] = h.getValue();
    }
    return new JnaNvml(lib, devices);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void check(Lib lib, String call, int rc) {
    if (rc != SUCCESS) {
      String text;
      try {
        text = lib.nvmlErrorString(rc);
      } catch (RuntimeException | UnsatisfiedLinkError e) {
        text = "error";
      }
      throw new NvmlException(call, rc, text);
    }
  }

  private Pointer device(int gpu) {
    if (closed) {
      throw new IllegalStateException("NVML is shut down");
    }
    return devices[gpu];
  }

  @Override
  public int deviceCount() {
    return devices.length;
  }

  @Override
  public String name(int gpu) {
    byte[] buf = new byte[96];
    check(lib, "nvmlDeviceGetName", lib.nvmlDeviceGetName(device(gpu), buf, buf.length));
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public long powerUsageMw(int gpu) {
    synchronized (powerMw) {
      check(lib, "nvmlDeviceGetPowerUsage", lib.nvmlDeviceGetPowerUsage(device(gpu), powerMw));
      return Integer.toUnsignedLong(powerMw.getValue());
    }
  }

  @Override
  public long totalEnergyMj(int gpu) {
    LongByReference mj = new LongByReference();
    check(
        lib,
        "nvmlDeviceGetTotalEnergyConsumption",
        lib.nvmlDeviceGetTotalEnergyConsumption(device(gpu), mj));
    return mj.getValue();
  }

  @Override
  public FieldValue[] fieldValues(int gpu, int... fieldIds) {
    if (fieldIds.length == 1) {
      synchronized (oneField) {
        return fieldValues(gpu, fieldIds, oneField);
      }
    }
    return fieldValues(gpu, fieldIds, new Memory((long) FIELD_SIZE * fieldIds.length));
  }

  private FieldValue[] fieldValues(int gpu, int[] fieldIds, Memory m) {
    m.clear();
    for (int i = 0; i < fieldIds.length; i++) {
      m.setInt((long) i * FIELD_SIZE, fieldIds[i]);
    }
    check(
        lib,
        "nvmlDeviceGetFieldValues",
        lib.nvmlDeviceGetFieldValues(device(gpu), fieldIds.length, m));
    FieldValue[] out = new FieldValue[fieldIds.length];
    for (int i = 0; i < fieldIds.length; i++) {
      long base = (long) i * FIELD_SIZE;
      int type = m.getInt(base + 24);
      out[i] =
          new FieldValue(
              m.getInt(base), m.getInt(base + 28), m.getLong(base + 8), value(m, base + 32, type));
    }
    return out;
  }

  @Override
  public List<TimedValue> powerSamples(int gpu, long lastSeenUs) {
    IntByReference type = new IntByReference();
    IntByReference count = new IntByReference();
    check(
        lib,
        "nvmlDeviceGetSamples(count)",
        lib.nvmlDeviceGetSamples(device(gpu), TOTAL_POWER_SAMPLES, lastSeenUs, type, count, null));
    if (count.getValue() == 0) {
      return List.of();
    }
    Memory m = new Memory((long) SAMPLE_SIZE * count.getValue());
    int rc = lib.nvmlDeviceGetSamples(device(gpu), TOTAL_POWER_SAMPLES, lastSeenUs, type, count, m);
    if (rc == ERROR_NOT_FOUND) {
      return List.of(); // no sample newer than lastSeenUs
    }
    check(lib, "nvmlDeviceGetSamples", rc);
    List<TimedValue> out = new ArrayList<>(count.getValue());
    for (int i = 0; i < count.getValue(); i++) {
      long base = (long) i * SAMPLE_SIZE;
      out.add(new TimedValue(m.getLong(base), value(m, base + 8, type.getValue())));
    }
    return out;
  }

  /** Decodes an {@code nvmlValue_t} by {@code nvmlValueType_t}. */
  private static double value(Memory m, long offset, int type) {
    return switch (type) {
      case 0 -> m.getDouble(offset); // DOUBLE
      case 1 -> Integer.toUnsignedLong(m.getInt(offset)); // UNSIGNED_INT
      case 2, 3 -> unsigned(m.getLong(offset)); // UNSIGNED_LONG (LP64), UNSIGNED_LONG_LONG
      case 4 -> m.getLong(offset); // SIGNED_LONG_LONG
      case 5 -> m.getInt(offset); // SIGNED_INT
      case 6 -> Short.toUnsignedInt(m.getShort(offset)); // UNSIGNED_SHORT
      default -> Double.NaN;
    };
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      lib.nvmlShutdown();
    }
  }
}
