package dev.safedeploy.lambdas.alarms;

import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Reads a secret's string value by ARN (the Temporal API key), for {@link TemporalSettings#fromEnvironment}. */
public final class SecretsManagerSecrets implements Function<String, String> {

  private final SecretsManagerClient client;

  public SecretsManagerSecrets(SecretsManagerClient client) {
    this.client = client;
  }

  public static SecretsManagerSecrets fromEnvironment() {
    return new SecretsManagerSecrets(SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .build());
  }

  @Override
  public String apply(String secretArn) {
    return client.getSecretValue(r -> r.secretId(secretArn)).secretString();
  }
}
