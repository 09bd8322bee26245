package dev.safedeploy.activities.local.templates;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structural checks of a parsed CloudFormation template, the part of ValidateTemplate that needs no AWS: Resources
 * present, each with a Type, and every Ref, GetAtt, Sub variable, DependsOn, Condition and FindInMap pointing at
 * something the template declares.
 */
public final class TemplateChecks {
  static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
      "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
  private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}]*)}");

  private TemplateChecks() {}

  /** Problems of the template, empty when it is structurally sound. */
  public static List<String> problems(Object doc) {
    List<String> p = new ArrayList<>();
    if (!(doc instanceof Map<?, ?> root)) {
      p.add("the document is not a mapping");
      return p;
    }
    Map<?, ?> resources = map(root.get("Resources"));
    if (resources == null || resources.isEmpty()) {
      p.add("no Resources section (a template needs at least one resource)");
      return p;
    }
    Set<String> params = keys(root.get("Parameters"));
    Set<String> resourceNames = new java.util.HashSet<>(keys(resources));
    if (String.valueOf(root.get("Transform")).contains("AWS::Serverless")) {
      resourceNames.addAll(samGenerated(resources));
    }
    Set<String> conditions = keys(root.get("Conditions"));
    Set<String> mappings = keys(root.get("Mappings"));
    Scope scope = new Scope(params, resourceNames, conditions, mappings);
    for (Map.Entry<?, ?> e : resources.entrySet()) {
      String name = String.valueOf(e.getKey());
      Map<?, ?> res = map(e.getValue());
      if (res == null) {
        p.add("resource " + name + " is not a mapping");
        continue;
      }
      Object type = res.get("Type");
      if (!(type instanceof String t) || !t.contains("::")) {
        p.add("resource " + name + " has no Type (or not a 'Vendor::Service::Resource' name): " + type);
      }
      for (Object d : asList(res.get("DependsOn"))) {
        if (!resourceNames.contains(String.valueOf(d))) {
          p.add("resource " + name + " DependsOn " + d + ", which is not a resource");
        }
      }
      Object condition = res.get("Condition");
      if (condition != null && !conditions.contains(String.valueOf(condition))) {
        p.add("resource " + name + " has Condition " + condition + ", which is not in Conditions");
      }
      walk(res.get("Properties"), "resource " + name, scope, p);
      walk(res.get("Metadata"), "resource " + name, scope, p);
    }
    walk(root.get("Outputs"), "Outputs", scope, p);
    walk(root.get("Conditions"), "Conditions", scope, p);
    return p;
  }

  /**
   * What the SAM transform adds and templates may refer to: the implicit API and CodeDeploy application, and per
   * serverless resource its version, alias, role and deployment group (e.g. {@code Fn.Version},
   * {@code FnDeploymentGroup}).
   */
  static Set<String> samGenerated(Map<?, ?> resources) {
    Set<String> out = new java.util.HashSet<>(Set.of("ServerlessRestApi", "ServerlessHttpApi",
        "ServerlessDeploymentApplication", "ServerlessRestApiDeployment", "ServerlessRestApiProdStage",
        "ServerlessHttpApiApiGatewayDefaultStage"));
    for (Map.Entry<?, ?> e : resources.entrySet()) {
      Map<?, ?> r = map(e.getValue());
      if (r != null && String.valueOf(r.get("Type")).startsWith("AWS::Serverless::")) {
        String id = String.valueOf(e.getKey());
        for (String suffix : List.of(".Version", ".Alias", "Role", "DeploymentGroup", "Version", "Alias")) {
          out.add(id + suffix);
        }
        Object alias = map(r.get("Properties")) == null ? null : map(r.get("Properties")).get("AutoPublishAlias");
        if (alias instanceof String a) {
          out.add(id + "Alias" + a);
        }
      }
    }
    return out;
  }

  private record Scope(Set<String> params, Set<String> resources, Set<String> conditions, Set<String> mappings) {
    boolean referable(String name) {
      return params.contains(name) || resources.contains(name) || PSEUDO.contains(name);
    }
  }

  private static void walk(Object node, String where, Scope s, List<String> p) {
    if (node instanceof Map<?, ?> m) {
      if (m.size() == 1) {
        Map.Entry<?, ?> only = m.entrySet().iterator().next();
        String fn = String.valueOf(only.getKey());
        Object arg = only.getValue();
        switch (fn) {
          case "Ref" -> {
            if (!(arg instanceof String r) || !s.referable(r)) {
              p.add(where + ": Ref to " + arg + ", which is neither a parameter nor a resource");
            }
          }
          case "Fn::GetAtt" -> {
            String target = null;
            boolean shaped = false;
            if (arg instanceof String str) {
              target = str.split("\\.", 2)[0];
              shaped = str.contains(".");
            } else if (arg instanceof List<?> l && l.size() == 2) {
              target = String.valueOf(l.get(0));
              shaped = true;
            }
            if (target == null || !shaped) {
              p.add(where + ": GetAtt " + arg + " is not 'Resource.Attribute'");
            } else if (!s.resources().contains(target)) {
              p.add(where + ": GetAtt on " + target + ", which is not a resource");
            }
          }
          case "Fn::Sub" -> sub(arg, where, s, p);
          case "Fn::If" -> {
            if (arg instanceof List<?> l && l.size() == 3) {
              if (!s.conditions().contains(String.valueOf(l.get(0)))) {
                p.add(where + ": If on condition " + l.get(0) + ", which is not in Conditions");
              }
            } else {
              p.add(where + ": If needs [condition, then, else], got " + arg);
            }
          }
          case "Condition" -> {
            if (!s.conditions().contains(String.valueOf(arg))) {
              p.add(where + ": Condition " + arg + " is not in Conditions");
            }
          }
          case "Fn::FindInMap" -> {
            if (arg instanceof List<?> l && l.size() == 3) {
              if (l.get(0) instanceof String mapName && !s.mappings().contains(mapName)) {
                p.add(where + ": FindInMap on " + mapName + ", which is not in Mappings");
              }
            } else {
              p.add(where + ": FindInMap needs [map, key, key], got " + arg);
            }
          }
          default -> { }
        }
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!"Fn::Sub".equals(e.getKey())) {
          walk(e.getValue(), where, s, p);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        walk(o, where, s, p);
      }
    }
  }

  private static void sub(Object arg, String where, Scope s, List<String> p) {
    String text;
    Set<String> local = Set.of();
    if (arg instanceof String str) {
      text = str;
    } else if (arg instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String str) {
      text = str;
      local = keys(l.get(1));
      walk(l.get(1), where, s, p);
    } else {
      p.add(where + ": Sub needs a string or [string, {variables}], got " + arg);
      return;
    }
    Matcher m = SUB_VAR.matcher(text);
    while (m.find()) {
      String var = m.group(1).trim();
      if (var.startsWith("!") || local.contains(var)) {
        continue;
      }
      boolean ok;
      if (var.contains(".") && !var.startsWith("AWS::")) {
        String head = var.split("\\.", 2)[0];
        ok = s.resources().contains(head) || local.contains(head);
      } else {
        ok = s.referable(var);
      }
      if (!ok) {
        p.add(where + ": Sub variable ${" + var + "} is neither a parameter, a resource nor a Sub variable");
      }
    }
  }

  private static List<?> asList(Object o) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof Collection<?> c) {
      return List.copyOf(c);
    }
    return List.of(o);
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : null;
  }

  private static Set<String> keys(Object o) {
    if (!(o instanceof Map<?, ?> m)) {
      return Set.of();
    }
    Set<String> out = new java.util.HashSet<>();
    m.keySet().forEach(k -> out.add(String.valueOf(k)));
    return out;
  }
}
