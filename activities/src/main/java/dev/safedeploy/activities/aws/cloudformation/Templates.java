package dev.safedeploy.activities.aws.cloudformation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The CloudFormation templates shipped in the activities jar under {@code templates/}. */
public final class Templates {

  public static final String DEV_ENDPOINT = "dev-endpoint.yml";
  public static final String PROD_ENDPOINT = "prod-endpoint.yml";
  public static final String MONITORING = "monitoring.yml";
  /** API Gateway + Lambda + CodeDeploy canary (SAM), written on the lambdas branch. */
  public static final String API_CANARY = "api-canary.yml";

  private Templates() {}

  public static Optional<String> find(String name) {
    try (InputStream in = Templates.class.getClassLoader().getResourceAsStream("templates/" + name)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("reading template " + name, e);
    }
  }

  public static String load(String name) {
    return find(name).orElseThrow(() -> new IllegalStateException(
        "template templates/" + name + " is not on the classpath (is the activities jar complete?)"));
  }
}
