package dev.safedeploy.lambdas.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api} (API Gateway REST API, Lambda proxy integration) → SageMaker InvokeEndpoint on
 * {@code ENDPOINT_NAME}.
 *
 * <p>text/csv and application/json bodies (base64 too) go to the endpoint byte for byte; the answer comes back with
 * the endpoint and the production variant that served it ({@value #ENDPOINT_HEADER}, {@value #VARIANT_HEADER}), so
 * a canary's traffic split is visible to callers. Every failure is a proxy response with a JSON body
 * {@code {"error": code, "message": ..., "endpoint": ..., "requestId": ...}}: API Gateway turns an exception or a
 * malformed response into an opaque 502, which tells the caller nothing.
 *
 * <p>Environment: {@code ENDPOINT_NAME} (required); {@code SAFEDEPLOY_TARGET_VARIANT} (optional): set per Lambda
 * version by the CodeDeploy traffic strategy, so that the alias's canary split between two function versions becomes
 * a split between the endpoint's blue and green variants.
 */
public class InvokeEndpointHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  public static final String ENDPOINT_NAME_ENV = "ENDPOINT_NAME";
  public static final String TARGET_VARIANT_ENV = "SAFEDEPLOY_TARGET_VARIANT";
  public static final String CUSTOM_ATTRIBUTES_HEADER = "X-Amzn-SageMaker-Custom-Attributes";
  public static final String ENDPOINT_HEADER = "X-SageMaker-Endpoint";
  public static final String VARIANT_HEADER = "X-SageMaker-Variant";
  static final Set<String> SUPPORTED_MEDIA_TYPES = Set.of("text/csv", "application/json");

  private static final Logger log = LoggerFactory.getLogger(InvokeEndpointHandler.class);
  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final EndpointInvoker invoker;
  private final String endpointName;
  private final String targetVariant;
  private final ApiMetrics metrics;

  /** Used by the Lambda runtime: SageMaker Runtime client from the function's role and region. */
  public InvokeEndpointHandler() {
    this(SageMakerEndpointInvoker.fromEnvironment(), System.getenv(ENDPOINT_NAME_ENV),
        System.getenv(TARGET_VARIANT_ENV), ApiMetrics.toStdout());
  }

  /** @param endpointName may be null: requests then get a 500 naming the missing setting, not an opaque crash */
  public InvokeEndpointHandler(EndpointInvoker invoker, String endpointName) {
    this(invoker, endpointName, null);
  }

  /** @param targetVariant the variant every request goes to; null or blank routes by the endpoint's weights */
  public InvokeEndpointHandler(EndpointInvoker invoker, String endpointName, String targetVariant) {
    this(invoker, endpointName, targetVariant, null);
  }

  /** @param metrics where each answer is counted ({@link ApiMetrics}); null counts nothing */
  public InvokeEndpointHandler(EndpointInvoker invoker, String endpointName, String targetVariant,
      ApiMetrics metrics) {
    this.metrics = metrics;
    this.invoker = invoker;
    this.endpointName = endpointName == null || endpointName.isBlank() ? null : endpointName.trim();
    this.targetVariant = targetVariant == null || targetVariant.isBlank() ? null : targetVariant.trim();
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
    String requestId = context == null ? null : context.getAwsRequestId();
    APIGatewayProxyResponseEvent response;
    try {
      response = handle(request, requestId);
    } catch (RuntimeException e) {
      // last line of defence: even a bug here must answer as a proxy response, never as API Gateway's bare 502
      log.error("unexpected failure handling request {}", requestId, e);
      response = error(500, "internal_error", "unexpected failure; see the function's log for the request id",
          requestId);
    }
    if (metrics != null) {
      metrics.record(context == null ? null : context.getInvokedFunctionArn(), response.getStatusCode(),
          response.getHeaders() == null ? null : response.getHeaders().get(VARIANT_HEADER),
          System.currentTimeMillis());
    }
    return response;
  }

  private APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request, String requestId) {
    if (request == null) {
      return error(400, "bad_request", "empty event: expected an API Gateway proxy request", requestId);
    }
    if (request.getHttpMethod() != null && !"POST".equalsIgnoreCase(request.getHttpMethod())) {
      APIGatewayProxyResponseEvent response = error(405, "method_not_allowed",
          "method " + request.getHttpMethod() + " is not allowed; POST rows to " + pathOf(request), requestId);
      response.getHeaders().put("Allow", "POST");
      return response;
    }
    if (endpointName == null) {
      log.error("{} is not set; the function is misconfigured", ENDPOINT_NAME_ENV);
      return error(500, "misconfigured", ENDPOINT_NAME_ENV + " is not set on the function", requestId);
    }
    String body = request.getBody();
    if (body == null || body.isEmpty()) {
      return error(400, "bad_request", "request body is empty: POST the rows to score as text/csv (one row per line,"
          + " features only) or application/json", requestId);
    }
    String contentType = header(request, "Content-Type");
    if (contentType == null || contentType.isBlank()) {
      return error(415, "unsupported_media_type",
          "Content-Type header is missing; use one of " + SUPPORTED_MEDIA_TYPES, requestId);
    }
    String mediaType = mediaType(contentType);
    if (!SUPPORTED_MEDIA_TYPES.contains(mediaType)) {
      return error(415, "unsupported_media_type",
          "Content-Type " + contentType + " is not supported; use one of " + SUPPORTED_MEDIA_TYPES, requestId);
    }
    byte[] payload;
    if (Boolean.TRUE.equals(request.getIsBase64Encoded())) {
      try {
        // strict: the MIME decoder would silently skip garbage; only line breaks are tolerated
        payload = Base64.getDecoder().decode(body.replaceAll("[\\r\\n]", ""));
      } catch (IllegalArgumentException e) {
        return error(400, "bad_request", "body is flagged base64 but is not valid base64: " + e.getMessage(),
            requestId);
      }
      if (payload.length == 0) {
        return error(400, "bad_request", "request body is empty after base64 decoding", requestId);
      }
    } else {
      payload = body.getBytes(StandardCharsets.UTF_8);
    }
    String accept = header(request, "Accept");
    if (accept != null && (accept.isBlank() || accept.trim().equals("*/*"))) {
      accept = null;
    }
    String customAttributes = header(request, CUSTOM_ATTRIBUTES_HEADER);

    EndpointInvoker.Answer answer;
    try {
      answer = invoker.invoke(new EndpointInvoker.Invocation(endpointName, contentType.trim(), accept,
          customAttributes, payload, targetVariant));
    } catch (InvocationException e) {
      log.warn("request {} to endpoint {} failed ({}): {}", requestId, endpointName, e.kind(), e.getMessage());
      APIGatewayProxyResponseEvent response =
          error(e.kind().status(), e.kind().code(), e.publicMessage(endpointName), requestId);
      response.getHeaders().put(ENDPOINT_HEADER, endpointName);
      return response;
    }
    return success(answer);
  }

  private APIGatewayProxyResponseEvent success(EndpointInvoker.Answer answer) {
    Map<String, String> headers = new LinkedHashMap<>();
    String contentType = answer.contentType() == null ? "text/csv" : answer.contentType();
    headers.put("Content-Type", contentType);
    headers.put(ENDPOINT_HEADER, endpointName);
    if (answer.invokedVariant() != null) {
      headers.put(VARIANT_HEADER, answer.invokedVariant());
    }
    if (answer.customAttributes() != null) {
      headers.put(CUSTOM_ATTRIBUTES_HEADER, answer.customAttributes());
    }
    APIGatewayProxyResponseEvent response = new APIGatewayProxyResponseEvent()
        .withStatusCode(200)
        .withHeaders(headers);
    if (isText(contentType)) {
      response.setBody(new String(answer.body(), StandardCharsets.UTF_8));
      response.setIsBase64Encoded(false);
    } else {
      // a binary answer (e.g. protobuf) survives the proxy only base64-encoded
      response.setBody(Base64.getEncoder().encodeToString(answer.body()));
      response.setIsBase64Encoded(true);
    }
    return response;
  }

  static APIGatewayProxyResponseEvent error(int status, String code, String message, String requestId) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      json = "{\"error\":\"" + code + "\"}";
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(status)
        .withHeaders(headers)
        .withBody(json)
        .withIsBase64Encoded(false);
  }

  /** Header lookup as HTTP defines it: case-insensitive, in either of the proxy event's header maps. */
  static String header(APIGatewayProxyRequestEvent request, String name) {
    if (request.getHeaders() != null) {
      for (Map.Entry<String, String> entry : request.getHeaders().entrySet()) {
        if (name.equalsIgnoreCase(entry.getKey()) && entry.getValue() != null) {
          return entry.getValue();
        }
      }
    }
    if (request.getMultiValueHeaders() != null) {
      for (Map.Entry<String, List<String>> entry : request.getMultiValueHeaders().entrySet()) {
        if (name.equalsIgnoreCase(entry.getKey()) && entry.getValue() != null && !entry.getValue().isEmpty()) {
          return entry.getValue().get(0);
        }
      }
    }
    return null;
  }

  /** "text/csv; charset=utf-8" → "text/csv". */
  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isText(String contentType) {
    String type = mediaType(contentType);
    return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
        || type.equals("application/jsonlines") || type.equals("application/x-jsonlines");
  }

  private static String pathOf(APIGatewayProxyRequestEvent request) {
    return request.getPath() == null ? "/api" : request.getPath();
  }
}
