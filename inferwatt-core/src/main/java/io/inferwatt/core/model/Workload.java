package io.inferwatt.core.model;

import io.inferwatt.core.BadInputException;

/**
 * What runs: a network with the engine settings of the paper.
 *
 * @param network the network
 * @param batch inputs per inference (at least 1)
 * @param mode synchronous or asynchronous execution
 * @param input what the network is fed
 */
public record Workload(NetworkSpec network, int batch, ExecutionMode mode, InputKind input) {
  public Workload {
    if (batch < 1) {
      throw new BadInputException("batch size " + batch + " is not >= 1");
    }
  }
}
