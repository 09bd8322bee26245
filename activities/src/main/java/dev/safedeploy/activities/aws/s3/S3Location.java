package dev.safedeploy.activities.aws.s3;

/** An {@code s3://bucket/key} URI taken apart; malformed URIs are refused with the offending text. */
public record S3Location(String bucket, String key) {

  public static S3Location parse(String uri) {
    if (uri == null || !uri.startsWith("s3://")) {
      throw new IllegalArgumentException("not an s3:// URI: '" + uri + "'");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("s3 URI without bucket: '" + uri + "'");
    }
    return new S3Location(bucket, key);
  }

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
