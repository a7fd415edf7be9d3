package io.inferwatt.core;

/**
 * Marks an exception whose cause is what the user gave — an option, a file, a plan, a measurement
 * base — rather than a fault of the program. The command line reports such an exception as one line
 * and exit code 2; every other exception is a failure (exit code 1). Exceptions of other
 * hierarchies (a store's, an engine's) implement it where they describe bad input.
 */
public interface BadInput {}
