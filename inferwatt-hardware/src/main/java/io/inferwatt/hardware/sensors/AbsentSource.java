package io.inferwatt.hardware.sensors;

/**
 * A power source that was looked for and not used.
 *
 * @param kind the {@link PowerSource#kind()} it would have had
 * @param where what was looked at (a sysfs path, a library, a command)
 * @param reason why it is absent or unreadable, for people ({@code not root: ... is readable by
 *     root only}, {@code no driver: ... does not exist})
 */
public record AbsentSource(String kind, String where, String reason) {}
