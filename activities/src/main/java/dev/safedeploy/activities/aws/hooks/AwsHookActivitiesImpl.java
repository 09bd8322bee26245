package dev.safedeploy.activities.aws.hooks;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.activities.aws.s3.S3Location;
import dev.safedeploy.activities.aws.s3.SampleRows;
import dev.safedeploy.activities.aws.sagemaker.Endpoints;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

/**
 * Checks against live SageMaker endpoints with sample rows from S3: every row gets exactly one numeric answer within
 * the latency bound. A failed check is a result ({@code passed=false} with the reason), not an exception.
 */
public class AwsHookActivitiesImpl implements HookActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsHookActivitiesImpl.class);
  /** SageMaker flushes capture files every few minutes; wait this long at most for the first one. */
  static final Duration CAPTURE_WAIT = Duration.ofMinutes(5);

  private static final DateTimeFormatter HOUR_PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/")
      .withZone(ZoneOffset.UTC);

  private final SageMakerRuntimeClient runtime;
  private final Endpoints endpoints;
  private final S3Client s3;
  private final AwsBackendConfig config;
  private final String captureRoot;
  private final Clock clock;

  /** @param captureRoot the prod endpoints' data capture root ({@code s3://bucket/prefix/datacapture}) */
  public AwsHookActivitiesImpl(SageMakerRuntimeClient runtime, SageMakerClient sageMaker, S3Client s3,
      AwsBackendConfig config, String captureRoot) {
    this(runtime, sageMaker, s3, config, captureRoot, Clock.systemUTC());
  }

  public AwsHookActivitiesImpl(SageMakerRuntimeClient runtime, SageMakerClient sageMaker, S3Client s3,
      AwsBackendConfig config, String captureRoot, Clock clock) {
    this.runtime = runtime;
    this.endpoints = new Endpoints(sageMaker);
    this.s3 = s3;
    this.config = config;
    this.captureRoot = captureRoot;
    this.clock = clock;
  }

  @Override
  public HookResult smokeTest(HookRequest request) {
    return invokeAll(request, null);
  }

  @Override
  public HookResult preTraffic(HookRequest request) {
    return invokeAll(request, request.variantName());
  }

  /**
   * At 100%: the endpoint answers the sample rows as routed, and the variant now serving (the request's, else the one
   * with the most weight: green, after the last shift) writes data capture for requests made after the shift. The
   * rows are sent first and a capture file of that variant last modified since then is waited for; capture of blue,
   * of another endpoint, or from before the shift does not count.
   */
  @Override
  public HookResult postTraffic(HookRequest request) {
    String variant = request.variantName() != null ? request.variantName() : servingVariant(request.endpointName());
    if (variant == null) {
      return new HookResult(false, "endpoint " + request.endpointName() + " serves no variant", 0, 0);
    }
    String prefix = captureRoot + "/" + request.endpointName() + "/" + variant + "/";
    S3Location loc = S3Location.parse(prefix);
    // S3's LastModified has whole seconds
    Instant since = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    HookResult answered = invokeAll(request, null);
    if (!answered.passed()) {
      return answered;
    }
    // give up (as a failed check) well before the polling's own limit would turn this into an error
    Instant deadline = clock.instant().plus(CAPTURE_WAIT.compareTo(config.maxWait()) < 0 ? CAPTURE_WAIT
        : config.maxWait().dividedBy(2));
    // keys are <variant>/yyyy/mm/dd/hh/...: start listing at the hour before the shift
    String startAfter = loc.key() + HOUR_PATH.format(since.minus(Duration.ofHours(1)));
    boolean captured = AwsPolling.until("data capture of " + variant + " under " + prefix, config, () -> {
      boolean any;
      try {
        any = s3.listObjectsV2Paginator(b -> b.bucket(loc.bucket()).prefix(loc.key()).startAfter(startAfter))
            .contents().stream().anyMatch(o -> !o.lastModified().isBefore(since));
      } catch (S3Exception e) {
        if (S3Errors.isAccessDenied(e)) {
          throw S3Errors.accessDenied("listing", prefix, "s3:ListBucket", "ArtifactBucket");
        }
        throw e;
      }
      if (any) {
        return Poll.done(Boolean.TRUE);
      }
      return clock.instant().isAfter(deadline) ? Poll.done(Boolean.FALSE) : Poll.waiting("no capture file yet");
    });
    if (!captured) {
      return new HookResult(false, "no data capture under " + prefix + " written since " + since
          + " (the sample rows were answered)", answered.invocations(), answered.p99LatencyMillis());
    }
    return new HookResult(true, answered.reason() + "; " + variant + " captures them", answered.invocations(),
        answered.p99LatencyMillis());
  }

  private String servingVariant(String endpointName) {
    return endpoints.describe(endpointName).map(Endpoints::currentWeightPercents)
        .flatMap(w -> w.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(e -> e.getKey()))
        .orElse(null);
  }

  private HookResult invokeAll(HookRequest request, String targetVariant) {
    List<String> rows = SampleRows.read(s3, request.sampleUri(), request.rows());
    List<Long> latencies = new ArrayList<>();
    String where = request.endpointName() + (targetVariant == null ? "" : " variant " + targetVariant);
    for (int i = 0; i < rows.size(); i++) {
      String row = rows.get(i);
      long start = System.nanoTime();
      InvokeEndpointResponse r;
      try {
        r = runtime.invokeEndpoint(b -> {
          b.endpointName(request.endpointName()).contentType("text/csv").accept("text/csv")
              .body(SdkBytes.fromUtf8String(row));
          if (targetVariant != null) {
            b.targetVariant(targetVariant);
          }
        });
      } catch (SdkServiceException e) {
        return new HookResult(false, where + " refused sample row " + (i + 1) + ": " + e.getMessage(), i,
            HookVerdict.p99(latencies));
      }
      long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      latencies.add(millis);
      AwsPolling.heartbeat(where + ": " + (i + 1) + "/" + rows.size());
      String problem = HookVerdict.answerProblem(r.body().asUtf8String(), 1);
      if (problem == null && targetVariant != null && r.invokedProductionVariant() != null
          && !targetVariant.equals(r.invokedProductionVariant())) {
        problem = "an answer from variant " + r.invokedProductionVariant() + ", not the targeted " + targetVariant;
      }
      if (problem != null) {
        return new HookResult(false, where + " answered sample row " + (i + 1) + " with " + problem, i + 1,
            HookVerdict.p99(latencies));
      }
    }
    String slow = HookVerdict.latencyProblem(latencies, request.maxLatencyMillis());
    if (slow != null) {
      return new HookResult(false, where + ": " + slow, rows.size(), HookVerdict.p99(latencies));
    }
    log.info("{}: {} sample rows answered, p99 {} ms", where, rows.size(), HookVerdict.p99(latencies));
    return new HookResult(true, rows.size() + " rows answered with one number each", rows.size(),
        HookVerdict.p99(latencies));
  }
}
