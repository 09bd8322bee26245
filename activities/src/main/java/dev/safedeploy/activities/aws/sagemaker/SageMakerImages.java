package dev.safedeploy.activities.aws.sagemaker;

import java.util.Map;
import java.util.Set;

/**
 * Built-in image URIs per region, from the SageMaker Python SDK's image_uri_config (xgboost.json for
 * sagemaker-xgboost 0.90-1 .. 1.7-1, model-monitor.json for the analyzer; both as of sagemaker-core, 2026-08; the ISO
 * partitions are left out). The seed pointed ca-central-1's analyzer at another region's account; here every entry is
 * the region's own registry. A region missing from either table fails BUILD, before any job is paid for.
 */
public final class SageMakerImages {

  private static final Map<String, String> XGBOOST = Map.ofEntries(
      Map.entry("af-south-1", "510948584623"),
      Map.entry("ap-east-1", "651117190479"),
      Map.entry("ap-northeast-1", "354813040037"),
      Map.entry("ap-northeast-2", "366743142698"),
      Map.entry("ap-northeast-3", "867004704886"),
      Map.entry("ap-south-1", "720646828776"),
      Map.entry("ap-south-2", "628508329040"),
      Map.entry("ap-southeast-1", "121021644041"),
      Map.entry("ap-southeast-2", "783357654285"),
      Map.entry("ap-southeast-3", "951798379941"),
      Map.entry("ap-southeast-4", "106583098589"),
      Map.entry("ca-central-1", "341280168497"),
      Map.entry("ca-west-1", "190319476487"),
      Map.entry("cn-north-1", "450853457545"),
      Map.entry("cn-northwest-1", "451049120500"),
      Map.entry("eu-central-1", "492215442770"),
      Map.entry("eu-central-2", "680994064768"),
      Map.entry("eu-north-1", "662702820516"),
      Map.entry("eu-south-1", "978288397137"),
      Map.entry("eu-south-2", "104374241257"),
      Map.entry("eu-west-1", "141502667606"),
      Map.entry("eu-west-2", "764974769150"),
      Map.entry("eu-west-3", "659782779980"),
      Map.entry("il-central-1", "898809789911"),
      Map.entry("me-central-1", "272398656194"),
      Map.entry("me-south-1", "801668240914"),
      Map.entry("sa-east-1", "737474898029"),
      Map.entry("us-east-1", "683313688378"),
      Map.entry("us-east-2", "257758044811"),
      Map.entry("us-gov-east-1", "237065988967"),
      Map.entry("us-gov-west-1", "414596584902"),
      Map.entry("us-west-1", "746614075791"),
      Map.entry("us-west-2", "246618743249"));

  // the SDK's table lists no analyzer for ap-south-2, ap-southeast-4, ca-west-1 or the GovCloud regions: BUILD fails there
  private static final Map<String, String> MODEL_MONITOR = Map.ofEntries(
      Map.entry("af-south-1", "875698925577"),
      Map.entry("ap-east-1", "001633400207"),
      Map.entry("ap-northeast-1", "574779866223"),
      Map.entry("ap-northeast-2", "709848358524"),
      Map.entry("ap-northeast-3", "990339680094"),
      Map.entry("ap-south-1", "126357580389"),
      Map.entry("ap-southeast-1", "245545462676"),
      Map.entry("ap-southeast-2", "563025443158"),
      Map.entry("ap-southeast-3", "669540362728"),
      Map.entry("ca-central-1", "536280801234"),
      Map.entry("cn-north-1", "453000072557"),
      Map.entry("cn-northwest-1", "453252182341"),
      Map.entry("eu-central-1", "048819808253"),
      Map.entry("eu-central-2", "590183933784"),
      Map.entry("eu-north-1", "895015795356"),
      Map.entry("eu-south-1", "933208885752"),
      Map.entry("eu-south-2", "437450045455"),
      Map.entry("eu-west-1", "468650794304"),
      Map.entry("eu-west-2", "749857270468"),
      Map.entry("eu-west-3", "680080141114"),
      Map.entry("il-central-1", "843974653677"),
      Map.entry("me-central-1", "588750061953"),
      Map.entry("me-south-1", "607024016150"),
      Map.entry("sa-east-1", "539772159869"),
      Map.entry("us-east-1", "156813124566"),
      Map.entry("us-east-2", "777275614652"),
      Map.entry("us-west-1", "890145073186"),
      Map.entry("us-west-2", "159807026194"));

  /** The sagemaker-xgboost tags the built-in algorithm publishes (a mistyped one would fail only inside the job). */
  private static final Set<String> XGBOOST_VERSIONS = Set.of("0.90-1", "0.90-2", "1.0-1", "1.2-1", "1.2-2", "1.3-1",
      "1.5-1", "1.7-1");

  private SageMakerImages() {}

  public static String xgboost(String region, String version) {
    if (!XGBOOST_VERSIONS.contains(version)) {
      throw new IllegalArgumentException("SAFEDEPLOY_XGBOOST_VERSION " + version + " is not a built-in XGBoost "
          + "version " + new java.util.TreeSet<>(XGBOOST_VERSIONS));
    }
    return uri(XGBOOST, region, "sagemaker-xgboost", version, "XGBoost");
  }

  public static String modelMonitorAnalyzer(String region) {
    return uri(MODEL_MONITOR, region, "sagemaker-model-monitor-analyzer", "latest", "Model Monitor analyzer");
  }

  private static String uri(Map<String, String> accounts, String region, String repo, String tag, String what) {
    String account = accounts.get(region);
    if (account == null) {
      throw new IllegalArgumentException("no " + what + " image known for region " + region);
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return account + ".dkr.ecr." + region + "." + domain + "/" + repo + ":" + tag;
  }
}
