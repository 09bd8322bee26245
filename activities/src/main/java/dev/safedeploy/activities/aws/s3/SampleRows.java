package dev.safedeploy.activities.aws.s3;

import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Sample rows for hooks and smoke tests: header-less CSV with the target first (the SageMaker XGBoost layout); the
 * target column is stripped so what is sent is exactly what a client would send.
 */
public final class SampleRows {

  private SampleRows() {}

  /** The first {@code rows} feature rows of the CSV at {@code uri}, each without its first (target) column. */
  public static List<String> read(S3Client s3, String uri, int rows) {
    S3Location loc;
    try {
      loc = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure("sample rows must be in S3: " + e.getMessage(),
          Failures.BAD_DATA);
    }
    List<String> out = new ArrayList<>();
    try (ResponseInputStream<GetObjectResponse> in =
             s3.getObject(b -> b.bucket(loc.bucket()).key(loc.key()));
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while (out.size() < rows && (line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        out.add(stripTarget(line, uri, lineNo));
      }
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw ApplicationFailure.newNonRetryableFailure("sample rows not found: " + uri, Failures.BAD_DATA);
    } catch (S3Exception e) {
      if (S3Errors.isAccessDenied(e)) {
        throw S3Errors.accessDenied("reading", uri, "s3:GetObject", "DataPrefix");
      }
      throw e;
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("reading sample rows " + uri + ": " + e.getMessage(), "S3Read");
    }
    if (out.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("no sample rows in " + uri, Failures.BAD_DATA);
    }
    return out;
  }

  static String stripTarget(String line, String uri, int lineNo) {
    String[] cells = line.split(",", -1);
    if (cells.length < 2) {
      throw ApplicationFailure.newNonRetryableFailure(
          uri + " line " + lineNo + ": expected target,feature,... but found " + cells.length + " column(s)",
          Failures.BAD_DATA);
    }
    for (int i = 0; i < cells.length; i++) {
      try {
        Double.parseDouble(cells[i].trim());
      } catch (NumberFormatException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            uri + " line " + lineNo + " column " + (i + 1) + ": not a number: '" + cells[i] + "'", Failures.BAD_DATA);
      }
    }
    return line.substring(line.indexOf(',') + 1).trim();
  }
}
