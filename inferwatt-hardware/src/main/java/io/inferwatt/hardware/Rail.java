package io.inferwatt.hardware;

/**
 * One power rail of a source.
 *
 * @param name the program's name for it, lower case ({@code in}, {@code cpu}, {@code gpu})
 * @param label the name the hardware gives it ({@code POM_5V_IN})
 * @param covers what it measures, for people
 * @param total whether it is the board's total (never add the other rails to it)
 */
public record Rail(String name, String label, String covers, boolean total) {}
