package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/dist_for.py}: the distribution for one platform keeps that platform's native
 * libraries and every class, and leaves out the other platforms' natives; bad input is one line.
 */
class DistForTest {
  @TempDir Path dir;

  private static final Path SCRIPT = Path.of("..", "scripts", "dist_for.py");

  /** The jar's entries: one platform's natives and another's for each library, and classes. */
  private static final List<String> JAR =
      List.of(
          "META-INF/MANIFEST.MF",
          "io/inferwatt/cli/Main.class",
          "ai/onnxruntime/OrtSession.class",
          "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
          "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
          "ai/onnxruntime/native/osx-x64/libonnxruntime.dylib.dSYM/Contents/Info.plist",
          "libduckdb_java.so_linux_amd64",
          "libduckdb_java.so_linux_arm64",
          "libduckdb_java.so_osx_universal",
          "lib/linux/x86_64/libxgboost4j.so",
          "lib/linux/aarch64/libxgboost4j.so",
          "lib/macos/aarch64/libxgboost4j.dylib",
          "com/sun/jna/Native.class",
          "com/sun/jna/win32/W32APIOptions.class",
          "com/sun/jna/win32-x86-64/jnidispatch.dll",
          "com/sun/jna/linux-x86-64/libjnidispatch.so",
          "com/sun/jna/linux-aarch64/libjnidispatch.so");

  private Path distribution(boolean withJar) throws Exception {
    Path root = dir.resolve("src").resolve("inferwatt-9.9");
    Files.createDirectories(root.resolve("lib"));
    Files.createDirectories(root.resolve("bin"));
    Files.writeString(root.resolve("bin").resolve("inferwatt"), "#!/bin/sh\n");
    if (withJar) {
      try (OutputStream f = Files.newOutputStream(root.resolve("lib").resolve("inferwatt.jar"));
          ZipOutputStream z = new ZipOutputStream(f)) {
        for (String e : JAR) {
          z.putNextEntry(new ZipEntry(e));
          z.write(e.getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
      }
    }
    Path tar = dir.resolve("inferwatt-9.9.tar.gz");
    Files.deleteIfExists(tar);
    run("tar", "czf", tar.toString(), "-C", dir.resolve("src").toString(), "inferwatt-9.9");
    return tar;
  }

  private static String[] run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String[] {Integer.toString(p.exitValue()), out, err};
  }

  /** Runs {@code python3 scripts/dist_for.py ARGS...}: exit status, stdout, stderr. */
  private static String[] distFor(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("python3", SCRIPT.toString()));
    argv.addAll(List.of(args));
    return run(argv.toArray(String[]::new));
  }

  private List<String> jarEntries(Path tar) throws Exception {
    Path x = dir.resolve("x");
    Files.createDirectories(x);
    String[] r = run("tar", "xzf", tar.toString(), "-C", x.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(x.resolve("inferwatt-9.9/bin/inferwatt")).exists();
    List<String> names = new ArrayList<>();
    try (InputStream f = Files.newInputStream(x.resolve("inferwatt-9.9/lib/inferwatt.jar"));
        ZipInputStream z = new ZipInputStream(f)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        z.transferTo(b);
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo(e.getName()); // content kept
        names.add(e.getName());
      }
    }
    return names;
  }

  /** Skips (saying why) without the script, or without python3 to run it. */
  private static void assumeScriptAndPython() {
    assumeThat(Files.exists(SCRIPT)).as("run from the module folder").isTrue();
    assumeThat(
            Files.isExecutable(Path.of("/usr/bin/python3"))
                || Files.isExecutable(Path.of("/usr/local/bin/python3")))
        .as("python3 is needed to run scripts/dist_for.py")
        .isTrue();
  }

  @Test
  void theArm64DistributionKeepsArm64NativesAndEveryClass() throws Exception {
    assumeScriptAndPython();
    Path tar = distribution(true);
    Path out = dir.resolve("arm.tar.gz");
    String[] r = distFor("linux-aarch64", tar.toString(), out.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("linux-aarch64 only; 8 native entries of other platforms left out");
    assertThat(jarEntries(out))
        .containsExactly(
            "META-INF/MANIFEST.MF",
            "io/inferwatt/cli/Main.class",
            "ai/onnxruntime/OrtSession.class",
            "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
            "libduckdb_java.so_linux_arm64",
            "lib/linux/aarch64/libxgboost4j.so",
            "com/sun/jna/Native.class",
            "com/sun/jna/win32/W32APIOptions.class",
            "com/sun/jna/linux-aarch64/libjnidispatch.so");
  }

  @Test
  void badInputIsOneLineAndWritesNothing() throws Exception {
    assumeScriptAndPython();
    Path tar = distribution(false);
    Path out = dir.resolve("o.tar.gz");
    String[] noJar = distFor("linux-x64", tar.toString(), out.toString());
    assertThat(noJar[0]).isEqualTo("2");
    assertThat(noJar[2].strip())
        .isEqualTo(
            "dist_for: "
                + tar
                + ": 0 lib/inferwatt.jar found, not one: is it an inferwatt"
                + " distribution?");
    assertThat(out).doesNotExist();
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.endsWith(".part"));

    String[] self = distFor("linux-x64", tar.toString(), tar.toString());
    assertThat(self[0]).isEqualTo("2");
    assertThat(self[2]).contains("is the input");

    String[] platform = distFor("win-x64", tar.toString());
    assertThat(platform[0]).isEqualTo("2");
    assertThat(platform[2]).contains("usage: dist_for.py linux-x64|linux-aarch64");

    Files.writeString(dir.resolve("junk.tar.gz"), "not a tarball");
    String[] junk = distFor("linux-x64", dir.resolve("junk.tar.gz").toString(), out.toString());
    assertThat(junk[0]).isEqualTo("2");
    assertThat(junk[2].lines().count()).isOne();
    assertThat(junk[2]).contains("cannot be read as an inferwatt distribution");
    assertThat(out).doesNotExist();
  }

  @Test
  void aFolderOrPipeOnEitherSideALinkToTheInputAndAMissingFolderAreRefused() throws Exception {
    assumeScriptAndPython();
    Path tar = distribution(true);
    Path folder = Files.createDirectory(dir.resolve("folder"));
    Path fifo = dir.resolve("fifo");
    assertThat(run("mkfifo", fifo.toString())[0]).isEqualTo("0");
    Path link = Files.createSymbolicLink(dir.resolve("link.tar.gz"), tar);
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of(folder.toString()), folder + ": not a regular file");
    cases.put(List.of(fifo.toString()), fifo + ": not a regular file"); // never opened: no hang
    cases.put(
        List.of(tar.toString(), folder.toString()), folder + ": exists and is not a regular file");
    cases.put(
        List.of(tar.toString(), fifo.toString()), fifo + ": exists and is not a regular file");
    cases.put(List.of(tar.toString(), link.toString()), link + " is the input");
    cases.put(
        List.of(tar.toString(), dir.resolve("none/o.tar.gz").toString()),
        dir.resolve("none/o.tar.gz") + ": its folder does not exist");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      List<String> argv = new ArrayList<>(List.of("linux-x64"));
      argv.addAll(c.getKey());
      String[] r = distFor(argv.toArray(String[]::new));
      assertThat(r[0]).as(c.getKey().toString()).isEqualTo("2");
      assertThat(r[2].strip()).as(c.getKey().toString()).startsWith("dist_for: " + c.getValue());
      assertThat(r[2].lines().count()).isOne();
    }
    // the pipe is still a pipe, the folder still empty, and the input unchanged
    assertThat(run("test", "-p", fifo.toString())[0]).isEqualTo("0");
    assertThat(Files.list(folder)).isEmpty();
    assertThat(jarEntries(tar)).hasSize(JAR.size());
  }
}
