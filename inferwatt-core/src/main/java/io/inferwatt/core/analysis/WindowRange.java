package io.inferwatt.core.analysis;

/** The searched ranges in ns: window {@code [0, wMax]}, offset {@code [dMin, dMax]}. */
record WindowRange(long wMax, long dMin, long dMax) {}
