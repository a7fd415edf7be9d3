package io.inferwatt.hardware.knobs;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.inferwatt.hardware.sensors.NvmlLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The GPU knobs' NVML calls through JNA on {@code libnvidia-ml.so.1} (the {@code _v2} symbols that
 * {@code nvml.h} maps the plain names to). Every failed call throws {@link NvmlRefusedException}
 * naming the call and NVML's return code.
 *
 * <p>NVML has no getter for a locked graphics or memory clock; the lock this process set is
 * remembered per device, and a process that starts with a GPU locked by someone else reads it as
 * unlocked (restore then resets the lock, NVML's default).
 */
final class JnaNvmlControl implements NvmlControl {

  /** The C functions used, with {@code nvmlDevice_t} as an opaque pointer. */
  interface Lib extends Library {
    int nvmlInit_v2();

    String nvmlErrorString(int result);

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetSupportedMemoryClocks(Pointer device, IntByReference count, int[] clocksMhz);

    int nvmlDeviceGetSupportedGraphicsClocks(
        Pointer device, int memoryClockMhz, IntByReference count, int[] clocksMhz);

    int nvmlDeviceSetGpuLockedClocks(Pointer device, int minMhz, int maxMhz);

    int nvmlDeviceResetGpuLockedClocks(Pointer device);

    int nvmlDeviceSetMemoryLockedClocks(Pointer device, int minMhz, int maxMhz);

    int nvmlDeviceResetMemoryLockedClocks(Pointer device);

    int nvmlDeviceGetPowerManagementLimit(Pointer device, IntByReference limitMw);

    int nvmlDeviceGetPowerManagementLimitConstraints(
        Pointer device, IntByReference minMw, IntByReference maxMw);

    int nvmlDeviceSetPowerManagementLimit(Pointer device, int limitMw);
  }

  static final int SUCCESS = 0;
  static final int INSUFFICIENT_SIZE = 7;

  /** Return codes by their {@code nvml.h} names (NVML_ERROR_ + name). */
  static final Map<Integer, String> CODES =
      Map.ofEntries(
          Map.entry(1, "UNINITIALIZED"),
          Map.entry(2, "INVALID_ARGUMENT"),
          Map.entry(3, "NOT_SUPPORTED"),
          Map.entry(4, "NO_PERMISSION"),
          Map.entry(5, "ALREADY_INITIALIZED"),
          Map.entry(6, "NOT_FOUND"),
          Map.entry(7, "INSUFFICIENT_SIZE"),
          Map.entry(8, "INSUFFICIENT_POWER"),
          Map.entry(9, "DRIVER_NOT_LOADED"),
          Map.entry(10, "TIMEOUT"),
          Map.entry(12, "LIBRARY_NOT_FOUND"),
          Map.entry(13, "FUNCTION_NOT_FOUND"),
          Map.entry(15, "GPU_IS_LOST"),
          Map.entry(999, "UNKNOWN"));

  private final Lib lib;
  private final Pointer[] devices;
  private final Integer[] locked;
  private final Integer[] lockedMemory;

  JnaNvmlControl(Lib lib) {
    this.lib = lib;
    check("nvmlInit_v2", lib.nvmlInit_v2());
    IntByReference count = new IntByReference();
    check("nvmlDeviceGetCount_v2", lib.nvmlDeviceGetCount_v2(count));
    devices = new Pointer[count.getValue()];
    for (int i = 0; i < devices.length; i++) {
      PointerByReference h = new PointerByReference();
      check("nvmlDeviceGetHandleByIndex_v2(" + i + ")", lib.nvmlDeviceGetHandleByIndex_v2(i, h));
      devices[i] = h.getValue();
    }
    locked = new Integer[devices.length];
    lockedMemory = new Integer[devices.length];
  }

  /**
   * NVML loaded from {@code libnvidia-ml.so.1} and initialised.
   *
   * @throws NvmlRefusedException with {@code LIBRARY_NOT_FOUND} when the library is absent
   */
  static JnaNvmlControl load() {
    Lib lib;
    try {
      lib = NvmlLibrary.load(Lib.class);
    } catch (UnsatisfiedLinkError e) {
      String m = String.valueOf(e.getMessage());
      int nl = m.indexOf('\n');
      throw new NvmlRefusedException(
          "NVML (libnvidia-ml.so.1) cannot be loaded: NVML_ERROR_LIBRARY_NOT_FOUND (12; "
              + (nl < 0 ? m : m.substring(0, nl))
              + "); install the NVIDIA driver, or use a board without NVIDIA GPU settings",
          12);
    }
    return new JnaNvmlControl(lib);
  }

  /** NVML when it loads, else a binding whose every call says why it is unavailable. */
  static NvmlControl loadOrUnavailable() {
    try {
      return load();
    } catch (NvmlRefusedException e) {
      return NvmlControl.unavailable();
    }
  }

  /** {@code NVML_ERROR_NO_PERMISSION (4, ...)}: the name, the number and NVML's own text. */
  String describe(int rc) {
    String text;
    try {
      text = lib.nvmlErrorString(rc);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      text = null;
    }
    return "NVML_ERROR_"
        + CODES.getOrDefault(rc, "code " + rc)
        + " ("
        + rc
        + (text == null || text.isBlank() ? "" : ", \"" + text + "\"")
        + ")";
  }

  private void check(String call, int rc) {
    if (rc == SUCCESS) {
      return;
    }
    String what =
        switch (rc) {
          case 4 -> "; changing NVIDIA GPU settings needs root: run inferwatt with sudo";
          case 3 -> "; this GPU does not offer that setting";
          case 2 -> "; NVML refused the value";
          default -> "";
        };
    throw new NvmlRefusedException(call + " failed: " + describe(rc) + what, rc);
  }

  private Pointer device(int index) {
    if (index < 0 || index >= devices.length) {
      throw new NvmlRefusedException(
          "NVIDIA GPU " + index + " does not exist; NVML sees " + devices.length, 6);
    }
    return devices[index];
  }

  @Override
  public int deviceCount() {
    return devices.length;
  }

  /** Calls a size-query-then-fill NVML function, growing the buffer on INSUFFICIENT_SIZE. */
  private interface Fill {
    int call(IntByReference count, int[] buf);
  }

  private List<Integer> list(String call, Fill f) {
    int[] buf = new int[128];
    IntByReference count = new IntByReference(buf.length);
    int rc = f.call(count, buf);
    if (rc == INSUFFICIENT_SIZE && count.getValue() > buf.length) {
      buf = new int[count.getValue()];
      count.setValue(buf.length);
      rc = f.call(count, buf);
    }
    check(call, rc);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < Math.min(count.getValue(), buf.length); i++) {
      out.add(buf[i]);
    }
    return out;
  }

  @Override
  public List<Integer> supportedMemoryClocksMhz(int device) {
    Pointer d = device(device);
    return list(
        "nvmlDeviceGetSupportedMemoryClocks(gpu " + device + ")",
        (c, b) -> lib.nvmlDeviceGetSupportedMemoryClocks(d, c, b));
  }

  @Override
  public List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz) {
    Pointer d = device(device);
    return list(
        "nvmlDeviceGetSupportedGraphicsClocks(gpu " + device + ", " + memoryClockMhz + " MHz)",
        (c, b) -> lib.nvmlDeviceGetSupportedGraphicsClocks(d, memoryClockMhz, c, b));
  }

  @Override
  public synchronized OptionalInt lockedGraphicsClockMhz(int device) {
    device(device);
    return locked[device] == null ? OptionalInt.empty() : OptionalInt.of(locked[device]);
  }

  @Override
  public synchronized void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz) {
    check(
        "nvmlDeviceSetGpuLockedClocks(gpu " + device + ", " + minMhz + ", " + maxMhz + " MHz)",
        lib.nvmlDeviceSetGpuLockedClocks(device(device), minMhz, maxMhz));
    locked[device] = minMhz == maxMhz ? minMhz : null;
  }

  @Override
  public synchronized void resetGpuLockedClocks(int device) {
    check(
        "nvmlDeviceResetGpuLockedClocks(gpu " + device + ")",
        lib.nvmlDeviceResetGpuLockedClocks(device(device)));
    locked[device] = null;
  }

  @Override
  public synchronized OptionalInt lockedMemoryClockMhz(int device) {
    device(device);
    return lockedMemory[device] == null
        ? OptionalInt.empty()
        : OptionalInt.of(lockedMemory[device]);
  }

  @Override
  public synchronized void setMemoryLockedClocksMhz(int device, int minMhz, int maxMhz) {
    check(
        "nvmlDeviceSetMemoryLockedClocks(gpu " + device + ", " + minMhz + ", " + maxMhz + " MHz)",
        lib.nvmlDeviceSetMemoryLockedClocks(device(device), minMhz, maxMhz));
    lockedMemory[device] = minMhz == maxMhz ? minMhz : null;
  }

  @Override
  public synchronized void resetMemoryLockedClocks(int device) {
    check(
        "nvmlDeviceResetMemoryLockedClocks(gpu " + device + ")",
        lib.nvmlDeviceResetMemoryLockedClocks(device(device)));
    lockedMemory[device] = null;
  }

  @Override
  public int powerLimitMw(int device) {
    IntByReference mw = new IntByReference();
    check(
        "nvmlDeviceGetPowerManagementLimit(gpu " + device + ")",
        lib.nvmlDeviceGetPowerManagementLimit(device(device), mw));
    return mw.getValue();
  }

  @Override
  public int[] powerLimitConstraintsMw(int device) {
    IntByReference lo = new IntByReference();
    IntByReference hi = new IntByReference();
    check(
        "nvmlDeviceGetPowerManagementLimitConstraints(gpu " + device + ")",
        lib.nvmlDeviceGetPowerManagementLimitConstraints(device(device), lo, hi));
    return new int[] {lo.getValue(), hi.getValue()};
  }

  @Override
  public void setPowerLimitMw(int device, int limitMw) {
    check(
        "nvmlDeviceSetPowerManagementLimit(gpu " + device + ", " + limitMw + " mW)",
        lib.nvmlDeviceSetPowerManagementLimit(device(device), limitMw));
  }
}
