package dev.safedeploy.activities.aws.sagemaker;

import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.activities.aws.s3.S3Location;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The CSV the Model Monitor analyzer baselines: a header, the target {@code total_amount} first, then the features,
 * as the seed has it. The analyzer is told the first column is the model's output ({@code output_columns_position:
 * START}), so the monitoring jobs compare the endpoint's predictions with the target's distribution and publish
 * {@code feature_baseline_drift_total_amount}, the metric the drift alarm watches.
 *
 * <p>A baseline already in that layout is used as it is. The local data preparation writes baseline.csv with the
 * features only; then the analyzer's input is made from the training data (header-less, target first), whose columns
 * are the target and the baseline header's features in that order: a seeded reservoir sample of at most
 * {@link #MAX_ROWS} rows, written once under the run's baseline prefix (deterministic key, adopted when present).
 */
final class BaselineInput {

  static final String TARGET = DataPreparation.TARGET;
  static final int MAX_ROWS = 100_000;
  private static final long SEED = 42;

  private final S3Client s3;

  BaselineInput(S3Client s3) {
    this.s3 = s3;
  }

  /** The analyzer's input URI: {@code baselineUri} itself, or the one made from {@code trainUri} at {@code target}. */
  String resolve(String baselineUri, String trainUri, String target) {
    List<String> header = header(baselineUri);
    int at = header.indexOf(TARGET);
    if (at == 0) {
      return baselineUri;
    }
    if (at > 0) {
      throw ApplicationFailure.newNonRetryableFailure("baseline " + baselineUri + " has " + TARGET + " in column "
          + (at + 1) + "; the target goes first (the SageMaker layout the analyzer is told about)", Failures.BAD_DATA);
    }
    if (trainUri == null || trainUri.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("baseline " + baselineUri + " has no " + TARGET + " column, so "
          + "drift of " + TARGET + " could never be measured; give a baseline with header " + TARGET + ","
          + String.join(",", header), Failures.BAD_DATA);
    }
    S3Location out = S3Location.parse(target);
    if (exists(out)) {
      return target;
    }
    List<String> sample = sample(trainUri, header.size() + 1);
    StringBuilder body = new StringBuilder(TARGET).append(',').append(String.join(",", header)).append('\n');
    sample.forEach(row -> body.append(row).append('\n'));
    try {
      s3.putObject(b -> b.bucket(out.bucket()).key(out.key()).contentType("text/csv"),
          RequestBody.fromString(body.toString(), StandardCharsets.UTF_8));
    } catch (S3Exception e) {
      if (S3Errors.isAccessDenied(e)) {
        throw S3Errors.accessDenied("writing", target, "s3:PutObject", "ArtifactPrefix");
      }
      throw e;
    }
    return target;
  }

  private List<String> header(String uri) {
    try (BufferedReader r = open(uri)) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        throw ApplicationFailure.newNonRetryableFailure("baseline " + uri + " is empty", Failures.BAD_DATA);
      }
      List<String> cols = Arrays.stream(line.split(",", -1)).map(String::trim).toList();
      if (cols.stream().anyMatch(c -> !c.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
        throw ApplicationFailure.newNonRetryableFailure("baseline " + uri + " must start with a header of column "
            + "names, found '" + line + "'", Failures.BAD_DATA);
      }
      return cols;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + uri, e);
    }
  }

  private List<String> sample(String uri, int columns) {
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> kept = new ArrayList<>();
    long seen = 0;
    try (BufferedReader r = open(uri)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        seen++;
        int n = line.split(",", -1).length;
        if (n != columns) {
          throw ApplicationFailure.newNonRetryableFailure(uri + " row " + seen + " has " + n + " columns; the "
              + "baseline header names " + (columns - 1) + " features after the target", Failures.BAD_DATA);
        }
        if (kept.size() < MAX_ROWS) {
          kept.add(line.trim());
        } else {
          long j = random.nextLong(seen);
          if (j < MAX_ROWS) {
            kept.set((int) j, line.trim());
          }
        }
        if (seen % 50_000 == 0) {
          AwsPolling.heartbeat("baseline sample: " + seen + " training rows read");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + uri, e);
    }
    if (kept.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("no rows in " + uri, Failures.BAD_DATA);
    }
    return kept;
  }

  private BufferedReader open(String uri) {
    S3Location loc;
    try {
      loc = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.BAD_DATA);
    }
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(loc.bucket()).key(loc.key()));
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw ApplicationFailure.newNonRetryableFailure("not found: " + uri, Failures.BAD_DATA);
    } catch (S3Exception e) {
      if (S3Errors.isAccessDenied(e)) {
        throw S3Errors.accessDenied("reading", uri, "s3:GetObject", "DataPrefix");
      }
      throw e;
    }
  }

  private boolean exists(S3Location loc) {
    try {
      s3.headObject(b -> b.bucket(loc.bucket()).key(loc.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      if (S3Errors.isAccessDenied(e)) {
        // a HEAD's 403 has no body: missing s3:GetObject (or, for an absent key, s3:ListBucket)
        throw S3Errors.accessDenied("reading", "s3://" + loc.bucket() + "/" + loc.key(), "s3:GetObject",
            "ArtifactPrefix");
      }
      throw e;
    }
  }
}
