package dev.rcpat.local;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * template.yaml as CloudFormation reads it: YAML intrinsic tags ({@code !Ref}, {@code !GetAtt},
 * {@code !Sub}, ...) turned into their JSON form ({@code {"Ref": ...}}, {@code {"Fn::GetAtt": [..]}}).
 * The local stack reads the table definitions from it, and the template test validates it.
 */
public final class CfnTemplate {

    private final Map<String, Object> document;

    private CfnTemplate(Map<String, Object> document) {
        this.document = document;
    }

    @SuppressWarnings("unchecked")
    public static CfnTemplate load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            Yaml yaml = new Yaml(new IntrinsicConstructor());
            return new CfnTemplate((Map<String, Object>) yaml.load(r));
        }
    }

    public Map<String, Object> document() {
        return document;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) document.get("Resources");
    }

    /** Logical id → properties of every resource of {@code type}, in template order. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if (type.equals(r.get("Type"))) {
                out.put(id, (Map<String, Object>) r.getOrDefault("Properties", Map.of()));
            }
        });
        return out;
    }

    /** CloudFormation refuses a key given twice in one mapping; SnakeYAML would silently keep the last. */
    private static LoaderOptions noDuplicateKeys() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return options;
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(noDuplicateKeys());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String key = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = constructScalar(scalar);
                        if (tag.equals("GetAtt")) {
                            value = Arrays.asList(((String) value).split("\\.", 2));
                        }
                    } else if (node instanceof SequenceNode seq) {
                        value = constructSequence(seq);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put(key, value);
                    return m;
                }
            });
        }
    }
}
