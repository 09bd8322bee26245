package dev.safedeploy.workflows.lease;

/**
 * What the lease workflow tells a requester, by signal: granted, queued (sent again whenever the holder or the
 * requester's place in line changes) or refused.
 *
 * @param holder who holds the lease now (the requester itself when granted; null when nobody does)
 * @param position place in line, 1 = next; 0 when granted or refused
 */
public record LeaseAnswer(String endpoint, Verdict verdict, LeaseHolder holder, int position) {

  public enum Verdict {
    GRANTED,
    QUEUED,
    REFUSED
  }
}
