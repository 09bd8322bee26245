package dev.safedeploy.lambdas.api;

import static dev.safedeploy.lambdas.LambdaRuntime.context;
import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static dev.safedeploy.lambdas.LambdaRuntime.fixtureText;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.lambdas.LambdaRuntime;
import dev.safedeploy.lambdas.api.EndpointInvoker.Answer;
import dev.safedeploy.lambdas.api.InvocationException.Kind;
import dev.safedeploy.workflows.json.JsonMapping;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InvokeEndpointHandlerTest {

  private static final ObjectMapper JSON = JsonMapping.mapper();
  private static final String ENDPOINT = "nyctaxi-prod";

  private final RecordingEndpointInvoker invoker = new RecordingEndpointInvoker();
  private final InvokeEndpointHandler handler = new InvokeEndpointHandler(invoker, ENDPOINT);

  @Test
  void aFunctionVersionPinnedToAVariantTargetsIt() throws Exception {
    invoker.answering(invocation -> new Answer("25.1\n".getBytes(StandardCharsets.UTF_8), "text/csv", "v2", null));
    new InvokeEndpointHandler(invoker, ENDPOINT, "v2").handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), context("req-9"));
    handler.handleRequest(event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class),
        context("req-10"));
    assertThat(invoker.invocations).extracting(EndpointInvoker.Invocation::targetVariant).containsExactly("v2", null);
  }

  @Test
  void csvRowsGoToTheEndpointUnchangedAndTheAnswerNamesEndpointAndVariant() throws Exception {
    invoker.answering(invocation -> new Answer("25.1\n61.7\n".getBytes(StandardCharsets.UTF_8),
        "text/csv; charset=utf-8", "v2", null));

    APIGatewayProxyResponseEvent response = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), context("req-1"));

    assertThat(invoker.invocations).singleElement().satisfies(invocation -> {
      assertThat(invocation.endpointName()).isEqualTo(ENDPOINT);
      assertThat(invocation.contentType()).isEqualTo("text/csv");
      assertThat(invocation.accept()).isEqualTo("text/csv");
      assertThat(invocation.customAttributes()).isNull();
      assertThat(new String(invocation.body(), StandardCharsets.UTF_8)).isEqualTo("12.5,1,2.3\n33.0,2,9.75\n");
    });
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("25.1\n61.7\n");
    assertThat(response.getIsBase64Encoded()).isFalse();
    assertThat(response.getHeaders())
        .containsEntry("Content-Type", "text/csv; charset=utf-8")
        .containsEntry(InvokeEndpointHandler.ENDPOINT_HEADER, ENDPOINT)
        .containsEntry(InvokeEndpointHandler.VARIANT_HEADER, "v2")
        .doesNotContainKey(InvokeEndpointHandler.CUSTOM_ATTRIBUTES_HEADER);

    // what API Gateway receives, serialized by the Lambda runtime
    JsonNode wire = JSON.readTree(LambdaRuntime.toJson(response));
    assertThat(wire.get("statusCode").asInt()).isEqualTo(200);
    assertThat(wire.get("body").asText()).isEqualTo("25.1\n61.7\n");
    assertThat(wire.get("headers").get("X-SageMaker-Variant").asText()).isEqualTo("v2");
  }

  @Test
  void base64JsonBodyIsDecodedToTheExactBytesAndCustomAttributesAreForwardedBothWays() {
    invoker.answering(invocation -> new Answer("{\"predictions\":[{\"score\":25.1},{\"score\":61.7}]}"
        .getBytes(StandardCharsets.UTF_8), "application/json", "v1", "trace_id=abc123,model=v1"));

    APIGatewayProxyResponseEvent response = handler.handleRequest(
        event("apigateway-proxy-post-json-base64.json", APIGatewayProxyRequestEvent.class), context("req-2"));

    assertThat(invoker.invocations).singleElement().satisfies(invocation -> {
      assertThat(invocation.contentType()).isEqualTo("application/json; charset=utf-8");
      assertThat(invocation.accept()).isEqualTo("application/json");
      assertThat(invocation.customAttributes()).isEqualTo("trace_id=abc123,client=web");
      assertThat(invocation.body())
          .isEqualTo(fixtureText("apigateway-proxy-post-json-base64.body.json").getBytes(StandardCharsets.UTF_8));
    });
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("{\"predictions\":[{\"score\":25.1},{\"score\":61.7}]}");
    assertThat(response.getHeaders())
        .containsEntry(InvokeEndpointHandler.VARIANT_HEADER, "v1")
        .containsEntry(InvokeEndpointHandler.CUSTOM_ATTRIBUTES_HEADER, "trace_id=abc123,model=v1");
  }

  @Test
  void binaryAnswerIsReturnedBase64Encoded() {
    byte[] protobuf = {0x0a, 0x04, (byte) 0xff, 0x00, 0x10};
    invoker.answering(invocation -> new Answer(protobuf, "application/x-protobuf", "v2", null));

    APIGatewayProxyResponseEvent response = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getIsBase64Encoded()).isTrue();
    assertThat(Base64.getDecoder().decode(response.getBody())).isEqualTo(protobuf);
  }

  @Test
  void wildcardAcceptLetsTheEndpointChoose() {
    invoker.answering(invocation -> new Answer("1.0\n".getBytes(StandardCharsets.UTF_8), "text/csv", "v1", null));
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setHeaders(new HashMap<>(Map.of("content-type", "text/csv", "accept", "*/*")));
    request.setMultiValueHeaders(null);

    assertThat(handler.handleRequest(request, null).getStatusCode()).isEqualTo(200);
    assertThat(invoker.invocations.get(0).accept()).isNull();
    assertThat(invoker.invocations.get(0).contentType()).isEqualTo("text/csv");
  }

  @Test
  void missingBodyIs400() throws Exception {
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setBody(null);

    APIGatewayProxyResponseEvent response = handler.handleRequest(request, context("req-3"));

    assertError(response, 400, "bad_request", "body is empty");
    assertThat(errorBody(response).get("requestId").asText()).isEqualTo("req-3");
    assertThat(invoker.invocations).isEmpty();
  }

  @Test
  void emptyBodyIs400() throws Exception {
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setBody("");
    assertError(handler.handleRequest(request, null), 400, "bad_request", "body is empty");
    assertThat(invoker.invocations).isEmpty();
  }

  @Test
  void invalidBase64Is400() throws Exception {
    APIGatewayProxyRequestEvent request =
        event("apigateway-proxy-post-json-base64.json", APIGatewayProxyRequestEvent.class);
    request.setBody("this is *not* base64!");
    assertError(handler.handleRequest(request, null), 400, "bad_request", "not valid base64");
    assertThat(invoker.invocations).isEmpty();
  }

  @Test
  void unsupportedContentTypeIs415() throws Exception {
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setHeaders(new HashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded")));
    request.setMultiValueHeaders(null);

    APIGatewayProxyResponseEvent response = handler.handleRequest(request, null);

    assertError(response, 415, "unsupported_media_type", "application/x-www-form-urlencoded is not supported");
    assertThat(invoker.invocations).isEmpty();
  }

  @Test
  void missingContentTypeIs415() throws Exception {
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setHeaders(new HashMap<>(Map.of("Accept", "text/csv")));
    request.setMultiValueHeaders(null);
    assertError(handler.handleRequest(request, null), 415, "unsupported_media_type", "Content-Type header is missing");
  }

  @Test
  void otherMethodsAre405WithAllow() throws Exception {
    APIGatewayProxyRequestEvent request = event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class);
    request.setHttpMethod("GET");

    APIGatewayProxyResponseEvent response = handler.handleRequest(request, null);

    assertError(response, 405, "method_not_allowed", "GET");
    assertThat(response.getHeaders()).containsEntry("Allow", "POST");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void everyInvocationFailureIsAProxyResponseWithItsStatus(Kind kind) throws Exception {
    invoker.failingWith(new InvocationException(kind, "what went wrong for " + kind));

    APIGatewayProxyResponseEvent response = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), context("req-4"));

    assertError(response, kind.status(), kind.code(), kind.status() < 500 ? "what went wrong for " + kind : ENDPOINT);
    assertThat(response.getHeaders()).containsEntry(InvokeEndpointHandler.ENDPOINT_HEADER, ENDPOINT);
  }

  @Test
  void serverSideFailuresDoNotLeakAwsDetailsToCallers() throws Exception {
    invoker.failingWith(new InvocationException(Kind.UPSTREAM_FAILURE, "invoking endpoint nyctaxi-prod failed"
        + " (AccessDeniedException): User: arn:aws:sts::123456789012:assumed-role/api-role/fn is not authorized"));
    APIGatewayProxyResponseEvent denied = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), context("req-5"));
    assertError(denied, 502, "upstream_failure", "invoking endpoint nyctaxi-prod failed");
    assertThat(denied.getBody()).doesNotContain("123456789012").doesNotContain("assumed-role").contains("req-5");

    invoker.failingWith(new InvocationException(Kind.ENDPOINT_NOT_FOUND,
        "endpoint nyctaxi-prod does not exist: Endpoint nyctaxi-prod of account 123456789012 not found."));
    APIGatewayProxyResponseEvent missing = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), null);
    assertError(missing, 503, "endpoint_not_found", "endpoint nyctaxi-prod does not exist");
    assertThat(missing.getBody()).doesNotContain("123456789012");
  }

  @Test
  void statusesAreTheOnesTheApiPromises() {
    assertThat(Kind.MODEL_ERROR.status()).isEqualTo(424);
    assertThat(Kind.THROTTLED.status()).isEqualTo(429);
    assertThat(Kind.ENDPOINT_NOT_FOUND.status()).isEqualTo(503);
    assertThat(Kind.UNAVAILABLE.status()).isEqualTo(503);
    assertThat(Kind.UPSTREAM_FAILURE.status()).isEqualTo(502);
    assertThat(Kind.BAD_REQUEST.status()).isEqualTo(400);
    assertThat(Kind.TIMEOUT.status()).isEqualTo(504);
  }

  @Test
  void anUnexpectedCrashIsStillAProxyResponse() throws Exception {
    invoker.failingWith(new NullPointerException("bug"));
    APIGatewayProxyResponseEvent response = handler.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), null);
    assertError(response, 500, "internal_error", "unexpected failure");
    assertThat(response.getBody()).doesNotContain("NullPointerException");
  }

  @Test
  void missingEndpointSettingIs500NamingIt() throws Exception {
    InvokeEndpointHandler unconfigured = new InvokeEndpointHandler(invoker, " ");
    APIGatewayProxyResponseEvent response = unconfigured.handleRequest(
        event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class), null);
    assertError(response, 500, "misconfigured", "ENDPOINT_NAME");
    assertThat(invoker.invocations).isEmpty();
  }

  @Test
  void nullEventIs400() throws Exception {
    assertError(handler.handleRequest(null, null), 400, "bad_request", "empty event");
  }

  private static void assertError(APIGatewayProxyResponseEvent response, int status, String code, String message)
      throws Exception {
    assertThat(response.getStatusCode()).isEqualTo(status);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(response.getIsBase64Encoded()).isFalse();
    JsonNode body = errorBody(response);
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).contains(message);
    // and API Gateway can read it: the runtime serializes it to a proxy response
    JsonNode wire = JSON.readTree(LambdaRuntime.toJson(response));
    assertThat(wire.get("statusCode").asInt()).isEqualTo(status);
    assertThat(JSON.readTree(wire.get("body").asText())).isEqualTo(body);
  }

  private static JsonNode errorBody(APIGatewayProxyResponseEvent response) throws Exception {
    return JSON.readTree(response.getBody());
  }
}
