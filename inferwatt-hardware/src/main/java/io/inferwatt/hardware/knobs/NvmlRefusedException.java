package io.inferwatt.hardware.knobs;

import io.inferwatt.core.BadInput;

/**
 * An NVML call on a GPU setting failed: the message names the call, NVML's return code by its
 * {@code nvml.h} name and number, and what to do ({@code NO_PERMISSION}: run as root; {@code
 * NOT_SUPPORTED}: this GPU has no such setting). Something the user can fix, hence {@link
 * BadInput}.
 */
final class NvmlRefusedException extends IllegalStateException implements BadInput {
  private final int code;

  NvmlRefusedException(String message, int code) {
    super(message);
    this.code = code;
  }

  /** NVML's return code. */
  int code() {
    return code;
  }
}
