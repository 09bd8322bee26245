package dev.safedeploy.starter.gateway;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing (v0): {@code X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))}
 * with {@code X-Slack-Request-Timestamp = ts}. Against replays: requests more than 5 minutes away are refused, and a
 * signed request already seen within those 5 minutes is refused too (a captured click cannot be sent again).
 */
public final class SlackSignature {

  public static final Duration MAX_AGE = Duration.ofMinutes(5);

  public enum Verdict { OK, MISSING, STALE, MISMATCH, REPLAYED }

  private final byte[] secret;
  private final Clock clock;
  /** Signatures accepted in the window, to the epoch second after which their timestamp is stale anyway. */
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  public SlackSignature(String signingSecret, Clock clock) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("SLACK_SIGNING_SECRET is required");
    }
    this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
      return Verdict.MISSING;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Verdict.MISMATCH;
    }
    long age = Math.abs(clock.instant().getEpochSecond() - ts);
    if (age > MAX_AGE.getSeconds()) {
      return Verdict.STALE;
    }
    byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.UTF_8);
    byte[] given = signature.trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      return Verdict.MISMATCH;
    }
    long now = clock.instant().getEpochSecond();
    seen.values().removeIf(until -> until < now);
    // the signature covers timestamp and body, so it names the request; only valid ones get here (no flooding)
    return seen.putIfAbsent(signature.trim(), ts + MAX_AGE.getSeconds()) == null ? Verdict.OK : Verdict.REPLAYED;
  }

  /** The signature Slack would send for this body at this timestamp. */
  public String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v0=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
