package dev.safedeploy.lambdas;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

/**
 * Reads event fixtures and writes handler results exactly as the Lambda Java runtime does: with its own serializers
 * (aws-lambda-java-serialization), the event library's mixins for event classes, plain Jackson for maps and POJOs.
 */
public final class LambdaRuntime {

  private LambdaRuntime() {}

  public static <T> T event(String fixture, Class<T> type) {
    try (InputStream in = LambdaRuntime.class.getResourceAsStream("/events/" + fixture)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture /events/" + fixture);
      }
      return serializer(type).fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String fixtureText(String fixture) {
    try (InputStream in = LambdaRuntime.class.getResourceAsStream("/events/" + fixture)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON the runtime would hand back to the caller (API Gateway, CodeDeploy, EventBridge). */
  @SuppressWarnings("unchecked")
  public static <T> String toJson(T result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serializer((Class<T>) result.getClass()).toJson(result, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static <T> PojoSerializer<T> serializer(Class<T> type) {
    if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
      return LambdaEventSerializers.serializerFor(type, LambdaRuntime.class.getClassLoader());
    }
    return JacksonFactory.getInstance().getSerializer(type);
  }

  /** A context that knows its request id; every other call answers null/0. */
  public static Context context(String requestId) {
    return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAwsRequestId" -> requestId;
          case "getFunctionName" -> "safedeploy-test";
          case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 0;
          case "toString" -> "TestContext[" + requestId + "]";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }
}
