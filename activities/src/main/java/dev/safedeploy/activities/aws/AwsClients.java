package dev.safedeploy.activities.aws;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The SDK clients of the AWS backend, built once and shared by the activities: default credential chain, the configured
 * region, and the endpoint override when there is one (moto_server in tests). One HTTP client serves all of them.
 */
public record AwsClients(
    SageMakerClient sageMaker,
    SageMakerRuntimeClient runtime,
    CloudFormationClient cloudFormation,
    CloudWatchClient cloudWatch,
    CodeDeployClient codeDeploy,
    LambdaClient lambda,
    S3Client s3,
    SnsClient sns,
    KmsClient kms) {

  public static AwsClients create(AwsBackendConfig config) {
    return create(config, UrlConnectionHttpClient.builder().build(), DefaultCredentialsProvider.builder().build());
  }

  public static AwsClients create(AwsBackendConfig config, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return create(config, http, credentials, List.of());
  }

  /** As {@link #create(AwsBackendConfig, SdkHttpClient, AwsCredentialsProvider)}, with request interceptors on every
   * client (the tests' conformance checks). */
  public static AwsClients create(AwsBackendConfig config, SdkHttpClient http, AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    Region region = Region.of(config.region());
    URI endpoint = config.endpointOverride();
    return new AwsClients(
        configure(SageMakerClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build(),
        configure(SageMakerRuntimeClient.builder(), region, endpoint, credentials, interceptors).httpClient(http)
            .build(),
        configure(CloudFormationClient.builder(), region, endpoint, credentials, interceptors).httpClient(http)
            .build(),
        configure(CloudWatchClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build(),
        configure(CodeDeployClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build(),
        configure(LambdaClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build(),
        configure(S3Client.builder(), region, endpoint, credentials, interceptors)
            // path-style so emulators (and dotted bucket names) work without wildcard DNS
            .forcePathStyle(endpoint != null).httpClient(http).build(),
        configure(SnsClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build(),
        configure(KmsClient.builder(), region, endpoint, credentials, interceptors).httpClient(http).build());
  }

  private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region, URI endpoint,
      AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
    builder.region(region).credentialsProvider(credentials);
    if (!interceptors.isEmpty()) {
      builder.overrideConfiguration(o -> o.executionInterceptors(interceptors));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder;
  }
}
