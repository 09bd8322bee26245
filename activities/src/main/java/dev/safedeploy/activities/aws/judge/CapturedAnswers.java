package dev.safedeploy.activities.aws.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.activities.aws.s3.S3Location;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The answers SageMaker data capture recorded for one variant over a window: the JSON lines under
 * {@code <root>/<endpoint>/<variant>/yyyy/MM/dd/HH/}, one per request, each with {@code captureData.endpointOutput}
 * (the answer, CSV, JSON or base64-encoded) and {@code eventMetadata} (eventId, inferenceId when the caller sent one,
 * inferenceTime). Only the hour prefixes the window touches are listed, and reading stops at a cap of objects and of
 * records, so a busy endpoint cannot make one judgement read without end.
 */
final class CapturedAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);

  /**
   * One captured request.
   *
   * @param id the caller's InferenceId, or the capture's eventId without one (what pairs blue's and the shadow's)
   * @param predictions the answer, one value per row of the request
   */
  record Answer(String id, Instant at, double[] predictions) {}

  /**
   * @param objects capture files read
   * @param unreadable captured lines without a readable answer or inferenceTime
   * @param truncated whether a cap stopped the reading before the window's end
   */
  record Read(String variant, List<Answer> answers, int objects, int unreadable, boolean truncated) {

    double[] predictions() {
      return answers.stream().flatMapToDouble(a -> java.util.Arrays.stream(a.predictions())).toArray();
    }
  }

  private final S3Client s3;
  private final S3Location root;
  private final int maxObjects;
  private final int maxRecords;

  /** @param captureRoot {@code s3://bucket/prefix} the endpoint config's DataCaptureConfig writes under */
  CapturedAnswers(S3Client s3, String captureRoot, int maxObjects, int maxRecords) {
    this.s3 = s3;
    this.root = S3Location.parse(captureRoot.endsWith("/") ? captureRoot.substring(0, captureRoot.length() - 1)
        : captureRoot);
    this.maxObjects = maxObjects;
    this.maxRecords = maxRecords;
  }

  Read read(String endpoint, String variant, Instant from, Instant to) {
    List<Answer> answers = new ArrayList<>();
    int objects = 0;
    int unreadable = 0;
    String base = (root.key().isEmpty() ? "" : root.key() + "/") + endpoint + "/" + variant + "/";
    // SageMaker files a record under the hour it was written in, a little after the request: one hour past the
    // window is listed too, and records are kept by their own inferenceTime
    for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(to.plus(1, ChronoUnit.HOURS));
        hour = hour.plus(1, ChronoUnit.HOURS)) {
      String prefix = base + HOUR.format(hour) + "/";
      List<S3Object> listed;
      try {
        listed = s3.listObjectsV2Paginator(b -> b.bucket(root.bucket()).prefix(prefix)).contents().stream()
            .filter(o -> o.key().endsWith(".jsonl")).limit(maxObjects - objects + 1L).toList();
      } catch (S3Exception e) {
        throw failure(e, "listing", "s3://" + root.bucket() + "/" + prefix, "s3:ListBucket");
      }
      for (S3Object o : listed) {
        if (objects >= maxObjects || answers.size() >= maxRecords) {
          return new Read(variant, answers, objects, unreadable, true);
        }
        objects++;
        unreadable += readObject(o.key(), from, to, answers);
        if (objects % 100 == 0) {
          AwsPolling.heartbeat("read " + objects + " capture files of " + variant + " (" + answers.size()
              + " answers)");
        }
      }
    }
    return new Read(variant, answers, objects, unreadable, answers.size() >= maxRecords);
  }

  /** Adds the object's records of [from, to) up to the record cap; returns how many lines had no readable answer. */
  private int readObject(String key, Instant from, Instant to, List<Answer> answers) {
    int unreadable = 0;
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(root.bucket()).key(key));
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && answers.size() < maxRecords) {
        if (line.isBlank()) {
          continue;
        }
        Answer a = parse(line);
        if (a == null) {
          unreadable++;
        } else if (!a.at().isBefore(from) && a.at().isBefore(to)) {
          answers.add(a);
        }
      }
    } catch (S3Exception e) {
      throw failure(e, "reading", "s3://" + root.bucket() + "/" + key, "s3:GetObject (and kms:Decrypt on the"
          + " capture key)");
    } catch (IOException e) {
      throw new UncheckedIOException("reading capture s3://" + root.bucket() + "/" + key, e);
    }
    return unreadable;
  }

  /** One capture line, or null when it has no inferenceTime or no numeric answer. */
  static Answer parse(String line) {
    try {
      JsonNode r = JSON.readTree(line);
      JsonNode meta = r.path("eventMetadata");
      JsonNode output = r.path("captureData").path("endpointOutput");
      String time = meta.path("inferenceTime").asText(null);
      if (time == null || output.isMissingNode()) {
        return null;
      }
      double[] predictions = predictions(output);
      if (predictions.length == 0) {
        return null;
      }
      String id = meta.hasNonNull("inferenceId") ? meta.get("inferenceId").asText() : meta.path("eventId").asText(null);
      return new Answer(id, Instant.parse(time), predictions);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The numbers of an endpointOutput: CSV (one per row, comma or newline separated), or JSON (a number, an array of
   * numbers, or {"predictions": [...]} of numbers or objects with a "score", as SageMaker's built-in algorithms
   * answer); base64-encoded bodies are decoded first.
   */
  static double[] predictions(JsonNode output) throws IOException {
    String data = output.path("data").asText("");
    if ("BASE64".equalsIgnoreCase(output.path("encoding").asText())) {
      data = new String(Base64.getDecoder().decode(data.trim()), StandardCharsets.UTF_8);
    }
    String type = output.path("observedContentType").asText("").toLowerCase(Locale.ROOT);
    String text = data.trim();
    List<Double> out = new ArrayList<>();
    if (type.contains("json") || text.startsWith("{") || text.startsWith("[")) {
      JsonNode body = JSON.readTree(text);
      numbers(body.has("predictions") ? body.get("predictions") : body, out);
    } else {
      for (String cell : text.split("[,\\r\\n]+")) {
        if (!cell.isBlank()) {
          out.add(Double.parseDouble(cell.trim()));
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
  }

  private static void numbers(JsonNode n, List<Double> out) {
    if (n.isNumber()) {
      out.add(n.asDouble());
    } else if (n.isArray()) {
      n.forEach(e -> numbers(e, out));
    } else if (n.isObject() && n.has("score")) {
      numbers(n.get("score"), out);
    } else {
      throw new IllegalArgumentException("not a numeric answer: " + n);
    }
  }

  private static RuntimeException failure(S3Exception e, String doing, String uri, String action) {
    if (e instanceof software.amazon.awssdk.services.s3.model.NoSuchBucketException) {
      return ApplicationFailure.newNonRetryableFailure("no bucket for data capture " + uri + " (the prod endpoint's"
          + " DataCaptureS3Uri): nothing to judge", dev.safedeploy.workflows.activities.Failures.NOT_FOUND);
    }
    if (S3Errors.isAccessDenied(e)) {
      return ApplicationFailure.newNonRetryableFailure("access denied " + doing + " data capture " + uri
          + ": the worker role needs " + action, dev.safedeploy.workflows.activities.Failures.INFRASTRUCTURE_FAILED);
    }
    return e;
  }
}
