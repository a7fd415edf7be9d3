package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes ONNX files ({@code ModelProto}, binary protobuf). */
public final class OnnxIo {

  private OnnxIo() {}

  /**
   * Reads an ONNX file.
   *
   * @throws IllegalArgumentException when the file is not a readable ONNX model (the message names
   *     the file)
   */
  public static OnnxModel read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  /** Decodes an ONNX model from bytes; {@code source} names it in error messages. */
  public static OnnxModel parse(byte[] bytes, String source) {
    try {
      OnnxModel m = ProtoCodec.readModel(bytes);
      if (m.nodes().isEmpty()) {
        throw new BadInputException(source + ": not an ONNX model (its graph has no nodes)");
      }
      return m;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(source)) {
        throw iae;
      }
      throw new BadInputException(source + ": not an ONNX model (" + e.getMessage() + ")", e);
    }
  }

  /** Writes {@code model} to {@code file} (through a temporary file, then an atomic move). */
  public static void write(OnnxModel model, Path file) {
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        ProtoCodec.writeModel(model, out);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original error is the one to report
      }
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The model's encoding, for engines that load from memory. */
  public static byte[] toBytes(OnnxModel model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ProtoCodec.writeModel(model, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
