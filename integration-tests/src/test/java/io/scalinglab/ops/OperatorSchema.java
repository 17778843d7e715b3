package io.scalinglab.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The spark-operator's CustomResourceDefinitions (kubeflow/spark-operator, {@code
 * shared/k8s/sparkoperator.k8s.io_*.yaml}) as validators of rendered resources, checked the way the
 * API server checks a custom resource under {@code kubectl apply --validate=strict}: the
 * openAPIV3Schema of the resource's version, and no field the schema does not declare.
 *
 * <p>The schemas are OpenAPI 3.0 schemas, validated with networknt's OpenAPI 3.0 dialect ({@code
 * nullable}, {@code format}) and Kubernetes' {@code x-kubernetes-*} keywords. A CRD's schema is
 * structural: where an object declares its properties and neither {@code additionalProperties} nor
 * {@code x-kubernetes-preserve-unknown-fields}, the API server prunes any other field, and strict
 * field validation rejects it instead. JSON Schema says that with {@code additionalProperties:
 * false}, which {@link #strict} adds to every such object. The resource's {@code metadata} is left
 * open, as the CRD leaves it: the API server checks ObjectMeta itself.
 */
final class OperatorSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
  private static List<JsonNode> crds;

  /**
   * OpenAPI 3.0 and Kubernetes' extensions. {@code x-kubernetes-int-or-string} needs no validator
   * (the CRD spells it out as {@code anyOf} integer or string); the list and map types say how
   * server-side apply merges, not what is valid; preserving unknown fields is what {@link #strict}
   * reads.
   */
  private static final Dialect KUBERNETES =
      Dialect.builder(Dialects.getOpenApi30())
          .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
          .keyword(new NonValidationKeyword("x-kubernetes-list-type"))
          .keyword(new NonValidationKeyword("x-kubernetes-list-map-keys"))
          .keyword(new NonValidationKeyword("x-kubernetes-map-type"))
          .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
          .build();

  private OperatorSchema() {}

  /** Where a resource breaks its CRD's schema, one line each; empty when it is valid. */
  static List<String> errors(Map<String, Object> resource) {
    return errors((JsonNode) JSON.valueToTree(resource));
  }

  /** Where a resource breaks its CRD's schema, one line each; empty when it is valid. */
  static List<String> errors(JsonNode resource) {
    String apiVersion = resource.path("apiVersion").asText();
    String kind = resource.path("kind").asText();
    Schema schema = SCHEMAS.computeIfAbsent(apiVersion + " " + kind, k -> load(apiVersion, kind));
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(resource)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  /**
   * Where {@code value} breaks the part of the CRD's schema at {@code path} (property names, {@code
   * "items"} for a list's elements), e.g. {@code spec, driver, podSecurityContext}: for Kubernetes
   * objects held elsewhere, such as pod templates, whose fields the CRD spells out.
   */
  static List<String> errors(String apiVersion, String kind, JsonNode value, String... path) {
    String key = apiVersion + " " + kind + " " + String.join("/", path);
    Schema schema =
        SCHEMAS.computeIfAbsent(
            key,
            k -> {
              JsonNode node = openApiSchema(apiVersion, kind);
              for (String step : path) {
                node =
                    step.equals("items") ? node.path("items") : node.path("properties").path(step);
              }
              if (!(node instanceof ObjectNode o)) {
                throw new AssertionError("the CRD of " + kind + " has no " + List.of(path));
              }
              ObjectNode schemaNode = o.deepCopy();
              strict(schemaNode, false);
              return SchemaRegistry.withDialect(KUBERNETES).getSchema(schemaNode);
            });
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(value)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  /** The CRD that defines {@code kind} in the API group of {@code apiVersion}. */
  static JsonNode crd(String apiVersion, String kind) {
    String group = apiVersion.substring(0, apiVersion.indexOf('/'));
    for (JsonNode crd : crds()) {
      if (crd.path("spec").path("group").asText().equals(group)
          && crd.path("spec").path("names").path("kind").asText().equals(kind)) {
        return crd;
      }
    }
    throw new AssertionError("no CRD for " + kind + " of " + group + " under shared/k8s");
  }

  /** Every CustomResourceDefinition under shared/k8s, read once (they are large). */
  private static synchronized List<JsonNode> crds() {
    if (crds == null) {
      List<JsonNode> out = new ArrayList<>();
      try (Stream<Path> files = Files.list(SharedData.path("k8s"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          for (Object doc : Tree.yaml(Files.readString(f))) {
            JsonNode node = JSON.valueToTree(doc);
            if (node.path("kind").asText().equals("CustomResourceDefinition")) {
              out.add(node);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      crds = List.copyOf(out);
    }
    return crds;
  }

  private static Schema load(String apiVersion, String kind) {
    ObjectNode schema = openApiSchema(apiVersion, kind).deepCopy();
    strict(schema, true);
    return SchemaRegistry.withDialect(KUBERNETES).getSchema(schema);
  }

  /**
   * The openAPIV3Schema of {@code kind} at the version of {@code apiVersion}, as the CRD has it.
   */
  private static JsonNode openApiSchema(String apiVersion, String kind) {
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    for (JsonNode v : crd(apiVersion, kind).path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        if (!v.path("served").asBoolean()) {
          throw new AssertionError(kind + " " + apiVersion + " is not served by the operator");
        }
        return v.path("schema").path("openAPIV3Schema");
      }
    }
    throw new AssertionError("the operator's CRD of " + kind + " has no version " + version);
  }

  /**
   * Closes every object schema under {@code node} to fields it does not declare, as strict field
   * validation does; objects that preserve unknown fields or type their extra fields stay open.
   */
  static void strict(JsonNode node, boolean root) {
    if (node instanceof ObjectNode o) {
      boolean object = "object".equals(o.path("type").asText()) || o.has("properties");
      if (object
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
        o.set("additionalProperties", BooleanNode.FALSE);
      }
      o.path("properties")
          .fields()
          .forEachRemaining(
              p -> {
                // ObjectMeta is the API server's to check; the CRD declares it as a bare object
                if (!(root && p.getKey().equals("metadata"))) {
                  strict(p.getValue(), false);
                }
              });
      for (String child : List.of("items", "additionalProperties", "not")) {
        strict(o.path(child), false);
      }
      for (String list : List.of("anyOf", "allOf", "oneOf")) {
        o.path(list).forEach(s -> strict(s, false));
      }
    }
  }
}
