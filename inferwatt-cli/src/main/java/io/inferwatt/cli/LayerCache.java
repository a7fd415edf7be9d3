package io.inferwatt.cli;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.study.Models;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The derived layers of the networks {@code predict} was asked about, kept in the user's cache
 * folder ({@code $XDG_CACHE_HOME/inferwatt/layers}, else {@code ~/.cache/inferwatt/layers}): a
 * prediction needs only the layers' shapes and counts, and deriving DenseNet-121's 248 layers
 * (building its graph, {@code LayerGraph}) was about a third of a prediction's time in a fresh
 * process (2026-11-30).
 *
 * <p>An entry is keyed by the program (the jar's path, size and modification time: another build
 * derives anew) and the network: a built-in name as given, or a file's absolute path, size and
 * modification time. One file per network (a new build replaces its entry), written whole to a
 * temporary file and renamed. An entry that does not match its key, is cut short or fails its
 * checksum is ignored and written again; a folder that cannot be written only means no cache.
 * Deleting the folder is harmless. Used only when the command owns the process ({@code Main#main}:
 * never inside a test's JVM) and runs from a jar; {@code INFERWATT_CACHE=off} turns it off.
 */
final class LayerCache {
  private static final String MAGIC = "inferwatt-layers";

  /** The entry's layout; another number is not read. */
  private static final int VERSION = 2;

  /**
   * The fields an entry holds, in its order: a record that gained or lost one is not cached at all
   * (an entry would drop the field), until this class writes it too ({@code LayerCacheTest}).
   */
  static final String FIELDS =
      "NetworkSpec(name,inputShape,layers)"
          + " LayerSpec(name,type,inputShape,outputShape,kernel,stride,groups,macs,params,activation,"
          + "sumInto)";

  private LayerCache() {}

  /**
   * The fields {@link NetworkSpec} and {@link LayerSpec} have now, as {@link #FIELDS} lists them.
   */
  static String fields() {
    return String.join(" ", fields(NetworkSpec.class), fields(LayerSpec.class));
  }

  private static String fields(Class<?> record) {
    StringBuilder b = new StringBuilder(record.getSimpleName()).append('(');
    for (var c : record.getRecordComponents()) {
      b.append(b.charAt(b.length() - 1) == '(' ? "" : ",").append(c.getName());
    }
    return b.append(')').toString();
  }

  /** The network {@code name} stands for ({@link Models#network}), through the user's cache. */
  static NetworkSpec network(String name) {
    Path dir = null;
    String build = null;
    if (QuickJit.ownsProcess()
        && !"off".equals(System.getenv("INFERWATT_CACHE"))
        && FIELDS.equals(fields())) {
      dir = folder();
      build = build();
    }
    return dir == null || build == null ? Models.network(name) : network(name, dir, build);
  }

  /**
   * The network {@code name} stands for, through the cache in {@code dir} for program {@code
   * build}.
   */
  static NetworkSpec network(String name, Path dir, String build) {
    String what = key(name);
    if (what == null) {
      return Models.network(name); // refused there, with the reason
    }
    // String.join and concat rather than +: each new shape of + builds classes at its first use,
    // together about 14 ms of a prediction's start here
    String key = String.join("\n", build, what);
    Path file = entry(dir, what);
    NetworkSpec cached = read(file, key);
    if (cached != null) {
      return cached;
    }
    NetworkSpec net = Models.network(name);
    write(dir, file, key, net);
    return net;
  }

  /** The file of {@code dir} that holds the network {@code what} identifies. */
  static Path entry(Path dir, String what) {
    return dir.resolve(Integer.toHexString(what.hashCode()).concat(".bin"));
  }

  /** What identifies the network {@code name} names; null for a file that cannot be read. */
  static String key(String name) {
    if (!Models.isFile(name)) {
      return "name ".concat(name);
    }
    try {
      Path p = Path.of(name).toAbsolutePath();
      return "file "
          .concat(
              String.join(
                  "|",
                  p.toString(),
                  Long.toString(Files.size(p)),
                  Files.getLastModifiedTime(p).toString()));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The program's identity: the jar this class came from, its size and modification time. */
  private static String build() {
    try {
      var source = LayerCache.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      Path jar = Path.of(source.getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        return null; // classes from a folder: a build in progress
      }
      return String.join(
          "|",
          jar.toString(),
          Long.toString(Files.size(jar)),
          Files.getLastModifiedTime(jar).toString());
    } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
      return null;
    }
  }

  private static Path folder() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "inferwatt", "layers");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() ? null : Path.of(home, ".cache", "inferwatt", "layers");
  }

  /** The entry in {@code file} when it is whole and keyed {@code key}; null otherwise. */
  static NetworkSpec read(Path file, String key) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | RuntimeException e) {
      return null; // none yet
    }
    if (bytes.length < 8) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = 0;
    for (int k = bytes.length - 8; k < bytes.length; k++) {
      stored = (stored << 8) | (bytes[k] & 0xFF);
    }
    if (crc.getValue() != stored) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
      if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION || !key.equals(in.readUTF())) {
        return null;
      }
      String name = in.readUTF();
      List<Integer> input = shape(in);
      int n = in.readInt();
      List<LayerSpec> layers = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        layers.add(
            new LayerSpec(
                in.readUTF(),
                in.readUTF(),
                shape(in),
                shape(in),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                in.readLong(),
                in.readLong(),
                in.readUTF(),
                in.readUTF()));
      }
      return in.available() == 0 ? new NetworkSpec(name, input, layers) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<Integer> shape(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 16) {
      throw new IOException("not a shape");
    }
    List<Integer> s = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      s.add(in.readInt());
    }
    return s;
  }

  static void write(Path dir, Path file, String key, NetworkSpec net) {
    Path tmp = null;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16384);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(key);
      out.writeUTF(net.name());
      shape(out, net.inputShape());
      out.writeInt(net.layers().size());
      for (LayerSpec l : net.layers()) {
        out.writeUTF(l.name());
        out.writeUTF(l.type());
        shape(out, l.inputShape());
        shape(out, l.outputShape());
        out.writeInt(l.kernel());
        out.writeInt(l.stride());
        out.writeInt(l.groups());
        out.writeLong(l.macs());
        out.writeLong(l.params());
        out.writeUTF(l.activation());
        out.writeUTF(l.sumInto());
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      Files.createDirectories(dir);
      // named by the process (a random name costs seeding a secure random generator first)
      tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.write(tmp, bytes.toByteArray(), java.nio.file.StandardOpenOption.CREATE_NEW);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // no cache: the next prediction derives the layers again
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // left behind in the cache folder
        }
      }
    }
  }

  private static void shape(DataOutputStream out, List<Integer> shape) throws IOException {
    out.writeInt(shape.size());
    for (int d : shape) {
      out.writeInt(d);
    }
  }
}
