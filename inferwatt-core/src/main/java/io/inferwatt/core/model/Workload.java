package io.inferwatt.core.model;

import io.inferwatt.core.BadInputException;

/**
 * What runs: a network with the engine settings of the paper.
 *
 * @param network the network
 * @param batch inputs per inference (at least 1)
 * @param mode synchronous or asynchronous execution
 * @param input what the network is fed
 * @param threads the engine's intra-op threads (ONNX Runtime); 0 = the engine's default
 */
public record Workload(
    NetworkSpec network, int batch, ExecutionMode mode, InputKind input, int threads) {
  public Workload {
    if (batch < 1) {
      throw new BadInputException("batch size " + batch + " is not >= 1");
    }
    if (threads < 0) {
      throw new BadInputException("intra-op threads " + threads + " is not >= 0");
    }
  }

  /** A workload at the engine's default thread count. */
  public Workload(NetworkSpec network, int batch, ExecutionMode mode, InputKind input) {
    this(network, batch, mode, input, 0);
  }
}
