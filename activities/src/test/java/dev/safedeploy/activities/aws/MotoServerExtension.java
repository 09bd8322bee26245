package dev.safedeploy.activities.aws;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts {@code moto_server} (a real AWS API emulator) on a free 127.0.0.1 port once for the whole test run, waits
 * until it answers, resets its state before each test and stops it at the end. Tests get a {@link MotoServer} as a
 * parameter. Without moto_server on the PATH the tests are skipped, except under CI ({@code CI=true}), where that is
 * a failure.
 */
public class MotoServerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MotoServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    server(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == MotoServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return server(e);
  }

  private static MotoServer server(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent("moto", k -> start(), MotoServer.class);
  }

  public static Path findOnPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, executable);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static MotoServer start() {
    Path exe = findOnPath("moto_server");
    if (exe == null) {
      String msg = "moto_server is not on the PATH (pip install 'moto[server]')";
      if (underCi()) {
        throw new IllegalStateException(msg + "; CI=true, so the AWS adapter tests must not be skipped");
      }
      Assumptions.abort(msg + "; skipping the AWS adapter tests (they fail instead under CI=true)");
    }
    try {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path log = Files.createTempFile("moto-server-", ".log");
      log.toFile().deleteOnExit();
      ProcessBuilder pb = new ProcessBuilder(List.of(exe.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Path shim = shim();
      String pythonPath = System.getenv("PYTHONPATH");
      pb.environment().put("PYTHONPATH", shim + (pythonPath == null || pythonPath.isBlank() ? ""
          : File.pathSeparator + pythonPath));
      Process process = pb.start();
      MotoServer server = new MotoServer(URI.create("http://127.0.0.1:" + port), process, log);
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!server.answers()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": "
              + Files.readString(log));
        }
        if (Instant.now().isAfter(deadline)) {
          process.destroyForcibly();
          throw new IllegalStateException("moto_server did not answer on port " + port + " within 60 s");
        }
        Thread.sleep(100);
      }
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("starting moto_server: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting moto_server", e);
    }
  }

  /** The folder holding sitecustomize.py (see that file for the two moto gaps it closes). */
  private static Path shim() throws IOException {
    Path dir = Files.createTempDirectory("moto-shim-");
    try (var in = MotoServerExtension.class.getResourceAsStream("/moto/sitecustomize.py")) {
      if (in == null) {
        throw new IllegalStateException("moto/sitecustomize.py missing from the test classpath");
      }
      Files.copy(in, dir.resolve("sitecustomize.py"));
    }
    dir.toFile().deleteOnExit();
    dir.resolve("sitecustomize.py").toFile().deleteOnExit();
    return dir;
  }

  /** Probe used while starting. */
  static boolean answers(URI endpoint) {
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/data.json").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }
}
