package dev.safedeploy.activities.local.templates;

import java.io.InputStream;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * CloudFormation YAML: short-form intrinsics ({@code !Ref x}, {@code !Sub ...}, {@code !GetAtt a.b}, {@code !If [..]})
 * become their long form ({@code {Ref: x}}, {@code {Fn::Sub: ...}}), so one walk checks both; duplicate keys are
 * refused, as CloudFormation refuses them.
 */
public final class CfnYaml {
  private CfnYaml() {}

  /** @throws org.yaml.snakeyaml.error.YAMLException for YAML that does not parse */
  public static Object load(InputStream in) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new IntrinsicConstructor(options)).load(in);
  }

  private static final class IntrinsicConstructor extends SafeConstructor {
    IntrinsicConstructor(LoaderOptions options) {
      super(options);
      // the null key is SnakeYAML's fallback for tags it does not know: every '!Xxx' intrinsic lands here
      this.yamlConstructors.put(null, new Intrinsic());
    }

    private final class Intrinsic extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        String tag = node.getTag().getValue();
        String fn = tag.startsWith("!") ? tag.substring(1) : tag;
        String key = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
        Object value;
        if (node instanceof ScalarNode s) {
          value = constructScalar(s);
        } else if (node instanceof SequenceNode s) {
          value = constructSequence(s);
        } else {
          value = constructMapping((MappingNode) node);
        }
        return Map.of(key, value);
      }
    }
  }
}
