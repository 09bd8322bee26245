package dev.safedeploy.lambdas.api;

import dev.safedeploy.lambdas.api.InvocationException.Kind;
import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalDependencyException;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalFailureException;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/** {@link EndpointInvoker} over SageMaker Runtime's InvokeEndpoint. */
public final class SageMakerEndpointInvoker implements EndpointInvoker {

  private final SageMakerRuntimeClient client;

  public SageMakerEndpointInvoker(SageMakerRuntimeClient client) {
    this.client = client;
  }

  /** A client for the function's own region and credentials (the standard chain Lambda sets up). */
  public static SageMakerEndpointInvoker fromEnvironment() {
    return new SageMakerEndpointInvoker(SageMakerRuntimeClient.builder()
        // InvokeEndpoint allows the container 60 s; a shorter socket timeout would cut off slow but healthy answers
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(65))
            .build())
        .build());
  }

  @Override
  public Answer invoke(Invocation invocation) {
    InvokeEndpointRequest.Builder request = InvokeEndpointRequest.builder()
        .endpointName(invocation.endpointName())
        .contentType(invocation.contentType())
        .body(SdkBytes.fromByteArray(invocation.body()));
    if (invocation.accept() != null) {
      request.accept(invocation.accept());
    }
    if (invocation.customAttributes() != null) {
      request.customAttributes(invocation.customAttributes());
    }
    if (invocation.targetVariant() != null) {
      request.targetVariant(invocation.targetVariant());
    }
    try {
      InvokeEndpointResponse response = client.invokeEndpoint(request.build());
      return new Answer(response.body() == null ? new byte[0] : response.body().asByteArray(),
          response.contentType(), response.invokedProductionVariant(), response.customAttributes());
    } catch (SdkException e) {
      throw classify(invocation.endpointName(), e);
    }
  }

  /** Maps SageMaker Runtime's errors onto what the API answers; unknown errors are upstream failures (502). */
  static InvocationException classify(String endpointName, SdkException e) {
    if (e instanceof ModelErrorException modelError) {
      return new InvocationException(Kind.MODEL_ERROR, "the model behind endpoint " + endpointName
          + " answered with status " + modelError.originalStatusCode() + ": " + modelError.originalMessage(), e);
    }
    if (e instanceof ModelNotReadyException || e instanceof ServiceUnavailableException) {
      return new InvocationException(Kind.UNAVAILABLE, "endpoint " + endpointName + " cannot serve now: "
          + message(e), e);
    }
    if (e instanceof ValidationErrorException) {
      // SageMaker reports a missing endpoint as a validation error: "Endpoint x of account y not found."
      String text = message(e).toLowerCase(Locale.ROOT);
      if (text.contains("endpoint") && text.contains("not found")) {
        return new InvocationException(Kind.ENDPOINT_NOT_FOUND, "endpoint " + endpointName + " does not exist: "
            + message(e), e);
      }
      return new InvocationException(Kind.BAD_REQUEST, "endpoint " + endpointName + " rejected the request: "
          + message(e), e);
    }
    if (e instanceof InternalFailureException || e instanceof InternalDependencyException) {
      return new InvocationException(Kind.UPSTREAM_FAILURE, "SageMaker failed to invoke endpoint " + endpointName
          + ": " + message(e), e);
    }
    if (e instanceof AwsServiceException service) {
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      if (service.statusCode() == 429 || (code != null && code.toLowerCase(Locale.ROOT).contains("throttl"))) {
        return new InvocationException(Kind.THROTTLED, "invocations of endpoint " + endpointName
            + " are throttled: " + message(e), e);
      }
      return new InvocationException(Kind.UPSTREAM_FAILURE, "invoking endpoint " + endpointName + " failed ("
          + (code == null ? "HTTP " + service.statusCode() : code) + "): " + message(e), e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new InvocationException(Kind.TIMEOUT, "endpoint " + endpointName + " did not answer in time", e);
    }
    return new InvocationException(Kind.UPSTREAM_FAILURE, "could not reach endpoint " + endpointName + ": "
        + message(e), e);
  }

  private static String message(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
        && service.awsErrorDetails().errorMessage() != null) {
      return service.awsErrorDetails().errorMessage();
    }
    return String.valueOf(e.getMessage());
  }
}
