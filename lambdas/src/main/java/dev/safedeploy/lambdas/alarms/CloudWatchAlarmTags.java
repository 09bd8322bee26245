package dev.safedeploy.lambdas.alarms;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/** {@link AlarmTags} over CloudWatch's ListTagsForResource. */
public final class CloudWatchAlarmTags implements AlarmTags {

  private static final Logger log = LoggerFactory.getLogger(CloudWatchAlarmTags.class);

  private final CloudWatchClient client;

  public CloudWatchAlarmTags(CloudWatchClient client) {
    this.client = client;
  }

  public static CloudWatchAlarmTags fromEnvironment() {
    return new CloudWatchAlarmTags(CloudWatchClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .build());
  }

  @Override
  public Map<String, String> tagsOf(String alarmArn) {
    try {
      Map<String, String> tags = new LinkedHashMap<>();
      for (Tag tag : client.listTagsForResource(r -> r.resourceARN(alarmArn)).tags()) {
        tags.put(tag.key(), tag.value());
      }
      return tags;
    } catch (ResourceNotFoundException e) {
      // deleted since it fired (a torn-down stack): nothing is watching it any more
      log.info("alarm {} no longer exists", alarmArn);
      return Map.of();
    }
  }
}
