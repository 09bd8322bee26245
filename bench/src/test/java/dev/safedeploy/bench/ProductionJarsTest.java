package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.local.LocalBackend;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.starter.SafedeployCli;
import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.temporal.EmbeddedTemporalServer;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The product's jars (worker, starter, activities, platform, workflows) hold production code only: no bench class, no
 * Temporal test classes, and only the embedded fallback of {@code dev} ({@link EmbeddedTemporalServer}) refers to
 * Temporal's test server — read from the class files' constant pools, not from the sources.
 */
class ProductionJarsTest {

  /** Temporal's test packages: temporal-testing, and temporal-test-server's public and internal ones. */
  private static final List<String> TEST_SERVER_PACKAGES =
      List.of("io/temporal/testing/", "io/temporal/testserver/", "io/temporal/internal/testservice/");
  private static final String FALLBACK = EmbeddedTemporalServer.class.getName().replace('.', '/');

  private static final Map<String, Class<?>> MODULES = new LinkedHashMap<>(Map.of(
      "worker", PipelineWorker.class, "starter", SafedeployCli.class, "activities", LocalBackend.class,
      "platform", LocalPlatform.class, "workflows", SafeDeploymentWorkflow.class));

  @Test
  void productionJarsHoldNoBenchAndNoTemporalTestClasses() {
    for (var module : MODULES.entrySet()) {
      Map<String, byte[]> classes = classes(module.getValue());
      assertThat(classes).as(module.getKey()).isNotEmpty();
      for (String name : classes.keySet()) {
        assertThat(name).as(module.getKey()).doesNotStartWith("dev/safedeploy/bench/");
        TEST_SERVER_PACKAGES.forEach(p -> assertThat(name).as(module.getKey()).doesNotStartWith(p));
      }
    }
  }

  @Test
  void onlyTheEmbeddedFallbackReferencesTheTestServer() {
    Map<String, Set<String>> referencing = new TreeMap<>();
    for (var module : MODULES.entrySet()) {
      classes(module.getValue()).forEach((name, bytes) -> {
        for (String constant : utf8Constants(bytes)) {
          if (constant.contains("dev/safedeploy/bench/") || constant.contains("dev.safedeploy.bench.")
              || TEST_SERVER_PACKAGES.stream().anyMatch(constant::contains)) {
            referencing.computeIfAbsent(module.getKey() + ": " + name, k -> new HashSet<>()).add(constant);
          }
        }
      });
    }
    // the scan sees what it looks for: the fallback itself uses the test server's services
    assertThat(referencing).containsKey("worker: " + FALLBACK);
    assertThat(referencing.get("worker: " + FALLBACK)).anyMatch(c -> c.contains("io/temporal/internal/testservice/"))
        .noneMatch(c -> c.contains("io/temporal/testing/") || c.contains("bench"));
    assertThat(referencing.keySet()).as(referencing.toString()).containsExactly("worker: " + FALLBACK);
  }

  /** Every .class of the module holding {@code type}: its jar once packaged, else its classes directory. */
  private static Map<String, byte[]> classes(Class<?> type) {
    Path location;
    try {
      location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Map<String, byte[]> classes = new TreeMap<>();
    try {
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location)) {
          for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
            classes.put(location.relativize(f).toString().replace('\\', '/').replaceAll("\\.class$", ""),
                Files.readAllBytes(f));
          }
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          for (var entry : (Iterable<java.util.jar.JarEntry>) jar.stream()::iterator) {
            if (entry.getName().endsWith(".class")) {
              try (var in = jar.getInputStream(entry)) {
                classes.put(entry.getName().replaceAll("\\.class$", ""), in.readAllBytes());
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + location, e);
    }
    return classes;
  }

  /** The CONSTANT_Utf8 entries of a class file's constant pool (JVMS 4.4): every class, descriptor and string. */
  static List<String> utf8Constants(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      List<String> utf8 = new java.util.ArrayList<>();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8.add(in.readUTF());
          case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
          case 15 -> in.skipBytes(3); // MethodHandle
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
          case 5, 6 -> {
            in.skipBytes(8); // Long, Double take two slots
            i++;
          }
          default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + i);
        }
      }
      return utf8;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
