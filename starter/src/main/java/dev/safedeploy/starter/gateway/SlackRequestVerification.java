package dev.safedeploy.starter.gateway;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.middleware.MiddlewareOps;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bolt middleware that lets only Slack's own, fresh, first-seen requests through. It stands in for Bolt's
 * {@code RequestVerification} (left out of the app's middleware list), which compares signatures with
 * {@code String.equals}, accepts any timestamp in the future and answers every refusal alike: here the signature
 * Bolt's {@link SlackSignature.Generator} computes is compared in constant time, the timestamp must be within 5
 * minutes either way, a signed request already seen in that window is refused as a replay (a captured click cannot
 * be sent again), and each refusal says why and is counted.
 */
final class SlackRequestVerification implements Middleware {

  private static final Logger log = LoggerFactory.getLogger(SlackRequestVerification.class);
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  enum Verdict { OK, MISSING, STALE, MISMATCH, REPLAYED }

  private final SlackSignature.Generator signatures;
  private final Clock clock;
  private final GatewayMetrics metrics;
  /** Signatures accepted in the window, to the epoch second after which their timestamp is stale anyway. */
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  SlackRequestVerification(String signingSecret, Clock clock, GatewayMetrics metrics) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("SLACK_SIGNING_SECRET is required");
    }
    this.signatures = new SlackSignature.Generator(signingSecret);
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
    if (req.isSocketMode() || MiddlewareOps.isNoSlackSignatureRequest(req.getRequestType())) {
      return chain.next(req); // ssl_check carries no signature and does nothing
    }
    Response refusal = refusal(req.getHeaders(), req.getRequestBodyAsString());
    return refusal == null ? chain.next(req) : refusal;
  }

  /** Null when the request is Slack's, fresh and first seen; otherwise the 401 to answer (counted and logged). */
  Response refusal(RequestHeaders headers, String body) {
    Verdict verdict = verify(headers.getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP),
        headers.getFirstValue(SlackSignature.HeaderNames.X_SLACK_SIGNATURE), body);
    if (verdict == Verdict.OK) {
      return null;
    }
    metrics.signatureFailure(verdict.name().toLowerCase());
    log.warn("refused a Slack request: signature {}", verdict);
    return Response.builder().statusCode(401).contentType("text/plain; charset=utf-8").body(switch (verdict) {
      case MISSING -> "missing X-Slack-Signature or X-Slack-Request-Timestamp";
      case STALE -> "request timestamp is more than 5 minutes away";
      case REPLAYED -> "this signed request was already received (replay refused)";
      default -> "bad signature";
    }).build();
  }

  Verdict verify(String timestamp, String signature, String body) {
    if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
      return Verdict.MISSING;
    }
    String ts = timestamp.trim();
    long epochSecond;
    try {
      epochSecond = Long.parseLong(ts);
    } catch (NumberFormatException e) {
      return Verdict.MISMATCH;
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - epochSecond) > MAX_AGE.getSeconds()) {
      return Verdict.STALE;
    }
    String expected = signatures.generate(ts, body == null ? "" : body);
    if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        signature.trim().getBytes(StandardCharsets.UTF_8))) {
      return Verdict.MISMATCH;
    }
    seen.values().removeIf(until -> until < now);
    // the signature covers timestamp and body, so it names the request; only valid ones get here (no flooding)
    return seen.putIfAbsent(signature.trim(), epochSecond + MAX_AGE.getSeconds()) == null
        ? Verdict.OK : Verdict.REPLAYED;
  }
}
