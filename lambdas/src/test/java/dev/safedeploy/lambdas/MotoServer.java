package dev.safedeploy.lambdas;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * moto_server (a real AWS API emulator) on a free loopback port, for the adapters moto can serve. Missing moto_server
 * fails the test under CI ({@code CI} set) and skips it elsewhere, saying why.
 */
public final class MotoServer implements AutoCloseable {

  public static final Region REGION = Region.US_EAST_1;
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private final Process process;
  private final URI endpoint;

  private MotoServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    String executable = findExecutable("moto_server");
    if (executable == null) {
      String message = "moto_server is not on the PATH (pip install 'moto[server]')";
      if (System.getenv("CI") != null) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
    server.awaitReady(Duration.ofSeconds(60));
    return server;
  }

  public URI endpoint() {
    return endpoint;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        Assertions.fail("moto_server exited with " + process.exitValue() + " before answering");
      }
      try {
        HttpURLConnection connection =
            (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(2000);
        if (connection.getResponseCode() > 0) {
          connection.disconnect();
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    close();
    Assertions.fail("moto_server did not answer on " + endpoint + " within " + timeout);
  }

  private static String findExecutable(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, name);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    return null;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
