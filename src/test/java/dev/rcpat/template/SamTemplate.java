package dev.rcpat.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.local.Json;
import dev.rcpat.local.CfnTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml read the way the template tests need it: its functions (handler and environment
 * with Globals applied, route) and each function's grants. A function's policies may be inline
 * statements, SAM policy templates (expanded from the vendored
 * {@code aws-sam/sam-policy-templates.json}, test resources) or a {@code !Ref} to an
 * {@code AWS::IAM::ManagedPolicy} of the template (its PolicyDocument). Resources are reduced to a
 * canonical form ({@code table/UsersTable}, {@code ses-identity/SenderAddress}, or the raw ARN
 * text when it is neither).
 */
final class SamTemplate {

    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    /** Test-classpath folder of the SAM schema files, copied from the SAM project (see its README.md). */
    static final String SCHEMAS = "/aws-sam/";
    private static final Map<String, JsonNode> SCHEMA_FILES = new ConcurrentHashMap<>();

    /** A function: its handler, its API events (method and path), environment with Globals applied, properties. */
    record Function(String logicalId, String handlerClass, String handlerMethod, List<ApiEvent> events,
                    Map<String, Object> environment, Map<String, Object> properties) {

        /** The method of its first API event (most functions have one). */
        String httpMethod() {
            return events.get(0).method();
        }

        String path() {
            return events.get(0).path();
        }
    }

    /** An {@code Api} event: what API Gateway routes to the function. */
    record ApiEvent(String method, String path) { }

    /** One allowed action on one resource. */
    record Grant(String action, String resource) { }

    private final CfnTemplate template;
    private final Set<String> tables;

    private SamTemplate(CfnTemplate template) {
        this.template = template;
        this.tables = template.resourcesOfType("AWS::DynamoDB::Table").keySet();
    }

    static SamTemplate load() {
        try {
            return new SamTemplate(CfnTemplate.load(PROJECT.resolve("template.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of {@code src/test/resources/aws-sam/}, parsed once. */
    static JsonNode schemaFile(String name) {
        return SCHEMA_FILES.computeIfAbsent(name, n -> {
            try (InputStream in = SamTemplate.class.getResourceAsStream(SCHEMAS + n)) {
                if (in == null) {
                    throw new AssertionError(SCHEMAS + n + " is not on the test classpath (src/test/resources" + SCHEMAS + ")");
                }
                return Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    CfnTemplate cfn() {
        return template;
    }

    Map<String, Object> document() {
        return template.document();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> globalFunction() {
        Map<String, Object> globals = (Map<String, Object>) document().getOrDefault("Globals", Map.of());
        return (Map<String, Object>) globals.getOrDefault("Function", Map.of());
    }

    /** The API's functions: those serving a path under {@code /api/}. */
    List<Function> apiFunctions() {
        return functions().stream().filter(f -> f.events().stream().allMatch(e -> e.path().startsWith("/api/"))).toList();
    }

    /** The token page's function: the one serving {@code /}. */
    Function pageFunction() {
        List<Function> page = functions().stream().filter(f -> f.events().stream().anyMatch(e -> e.path().equals("/"))).toList();
        if (page.size() != 1) {
            throw new AssertionError("one function must serve the token page at /, found " + page.size());
        }
        return page.get(0);
    }

    @SuppressWarnings("unchecked")
    List<Function> functions() {
        List<Function> out = new ArrayList<>();
        Object globalHandler = globalFunction().get("Handler");
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, props) -> {
            if (!(props.getOrDefault("Handler", globalHandler) instanceof String declared)) {
                throw new AssertionError(id + ": no Handler, neither its own nor in Globals.Function");
            }
            String[] handler = declared.split("::", 2);
            Map<String, Object> events = (Map<String, Object>) props.getOrDefault("Events", Map.of());
            List<ApiEvent> apiEvents = new ArrayList<>();
            for (Object e : events.values()) {
                Map<String, Object> event = (Map<String, Object>) e;
                if (!"Api".equals(event.get("Type"))) {
                    throw new AssertionError(id + ": only Api events are expected, found " + event.get("Type"));
                }
                Map<String, Object> eventProps = (Map<String, Object>) event.get("Properties");
                apiEvents.add(new ApiEvent(((String) eventProps.get("Method")).toUpperCase(), (String) eventProps.get("Path")));
            }
            if (apiEvents.isEmpty()) {
                throw new AssertionError(id + ": no API event");
            }
            Map<String, Object> env = new LinkedHashMap<>(variables(globalFunction()));
            env.putAll(variables(props));
            out.add(new Function(id, handler[0], handler.length > 1 ? handler[1] : "handleRequest",
                    List.copyOf(apiEvents), env, props));
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(Map<String, Object> functionProperties) {
        Map<String, Object> environment = (Map<String, Object>) functionProperties.getOrDefault("Environment", Map.of());
        return (Map<String, Object>) environment.getOrDefault("Variables", Map.of());
    }

    /** Every action each Allow statement of the function grants, per canonical resource. */
    Set<Grant> grants(Function function) {
        Set<Grant> out = new LinkedHashSet<>();
        for (Map<String, Object> statement : statements(function)) {
            for (Object action : asList(statement.get("Action"))) {
                for (Object resource : asList(statement.get("Resource"))) {
                    for (String r : resolve(resource)) {
                        out.add(new Grant((String) action, canonical(r)));
                    }
                }
            }
        }
        return out;
    }

    /** The IAM statements of every policy the function lists, all plain Allow statements. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statements(Function function) {
        attachedOnlyThroughFunctionPolicies();
        if (function.properties().containsKey("Role") || globalFunction().containsKey("Role")) {
            throw new AssertionError(function.logicalId() + ": a Role of its own replaces the Policies this test reads");
        }
        Object policies = function.properties().get("Policies");
        List<Object> list = policies == null ? List.of() : policies instanceof List<?> l ? (List<Object>) l : List.of(policies);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object policy : list) {
            for (Map<String, Object> statement : statements(function.logicalId(), policy)) {
                if (!"Allow".equals(statement.get("Effect")) || statement.containsKey("NotAction")
                        || statement.containsKey("NotResource")) {
                    throw new AssertionError(function.logicalId() + ": only plain Allow statements are checked: " + statement);
                }
                out.add(statement);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statements(String function, Object policy) {
        if (policy instanceof Map<?, ?> map && map.containsKey("Statement")) {
            return (List<Map<String, Object>>) (List<?>) asList(map.get("Statement"));
        }
        if (policy instanceof Map<?, ?> map && map.size() == 1 && map.get("Ref") instanceof String ref) {
            Map<String, Object> managed = template.resourcesOfType(MANAGED_POLICY).get(ref);
            if (managed == null) {
                throw new AssertionError(function + ": policy !Ref " + ref + " is not an " + MANAGED_POLICY
                        + " of this template; its actions cannot be checked against the code");
            }
            Map<String, Object> document = (Map<String, Object>) managed.get("PolicyDocument");
            if (document == null || document.get("Statement") == null) {
                throw new AssertionError(ref + ": a managed policy without PolicyDocument.Statement");
            }
            return (List<Map<String, Object>>) (List<?>) asList(document.get("Statement"));
        }
        if (policy instanceof Map<?, ?> map && map.size() == 1) {
            String name = (String) map.keySet().iterator().next();
            JsonNode definition = schemaFile("sam-policy-templates.json").path("Templates").path(name);
            if (definition.isMissingNode()) {
                throw new AssertionError(function + ": unknown SAM policy template " + name);
            }
            Map<String, Object> arguments = map.get(name) instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
            Object statement = substituteRefs(Json.MAPPER.convertValue(definition.path("Definition").path("Statement"), Object.class), arguments);
            return (List<Map<String, Object>>) (List<?>) asList(statement);
        }
        throw new AssertionError(function + ": policy " + policy
                + " is an AWS managed policy or of an unknown form; its actions cannot be checked against the code");
    }

    static final String MANAGED_POLICY = "AWS::IAM::ManagedPolicy";

    /**
     * Grants are read from each function's {@code Policies} only: a policy of the template that
     * attaches itself to roles, users or groups (a managed policy's {@code Roles}, or any
     * {@code AWS::IAM::Policy}) would grant more than this reading sees.
     */
    private void attachedOnlyThroughFunctionPolicies() {
        template.resourcesOfType(MANAGED_POLICY).forEach((id, props) -> {
            for (String attachment : List.of("Roles", "Users", "Groups")) {
                if (props.containsKey(attachment)) {
                    throw new AssertionError(id + " attaches itself through " + attachment
                            + ": reference it from the functions' Policies instead, so its grants are checked");
                }
            }
        });
        if (!template.resourcesOfType("AWS::IAM::Policy").isEmpty()) {
            throw new AssertionError("template.yaml declares IAM policies of its own: their grants are not checked");
        }
        template.resourcesOfType("AWS::IAM::Role").forEach((id, props) -> {
            if (!assumableOnlyBy(props, "apigateway.amazonaws.com")) {
                throw new AssertionError(id + ": a role of the template that not only API Gateway may assume;"
                        + " its grants are not checked");
            }
        });
    }

    /**
     * Whether only {@code service} may assume the role (API Gateway's CloudWatch Logs role): then
     * no function can hold what it grants.
     */
    @SuppressWarnings("unchecked")
    static boolean assumableOnlyBy(Map<String, Object> role, String service) {
        Map<String, Object> trust = (Map<String, Object>) role.get("AssumeRolePolicyDocument");
        if (trust == null) {
            return false;
        }
        for (Object s : asList(trust.get("Statement"))) {
            Map<String, Object> statement = (Map<String, Object>) s;
            Object principal = statement.get("Principal");
            boolean onlyService = principal instanceof Map<?, ?> p && p.keySet().equals(Set.of("Service"))
                    && asList(p.get("Service")).equals(List.of(service));
            if ("Allow".equals(statement.get("Effect")) && !onlyService) {
                return false;
            }
        }
        return true;
    }

    /** A policy template's {@code {"Ref": Parameter}} replaced by the argument given in the template. */
    @SuppressWarnings("unchecked")
    private static Object substituteRefs(Object node, Map<String, Object> arguments) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("Ref") instanceof String ref && arguments.containsKey(ref)) {
                return arguments.get(ref);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, substituteRefs(v, arguments)));
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> substituteRefs(v, arguments)).toList();
        }
        return node;
    }

    /** The strings an ARN expression can become: {@code ${X}} for a Ref, one string per Fn::If branch. */
    @SuppressWarnings("unchecked")
    static List<String> resolve(Object expression) {
        if (expression instanceof String s) {
            return List.of(s);
        }
        if (expression instanceof Map<?, ?> map && map.size() == 1) {
            String fn = (String) map.keySet().iterator().next();
            Object arg = map.get(fn);
            switch (fn) {
                case "Ref":
                    return "AWS::NoValue".equals(arg) ? List.of() : List.of("${" + arg + "}");
                case "Fn::GetAtt":
                    return List.of("${" + String.join(".", (List<String>) arg) + "}");
                case "Fn::If":
                    List<String> both = new ArrayList<>(resolve(((List<Object>) arg).get(1)));
                    both.addAll(resolve(((List<Object>) arg).get(2)));
                    return both;
                case "Fn::Sub":
                    if (arg instanceof String s) {
                        return List.of(s);
                    }
                    List<Object> sub = (List<Object>) arg;
                    List<String> results = List.of((String) sub.get(0));
                    for (Map.Entry<String, Object> var : ((Map<String, Object>) sub.get(1)).entrySet()) {
                        List<String> next = new ArrayList<>();
                        for (String partial : results) {
                            for (String value : resolve(var.getValue())) {
                                next.add(partial.replace("${" + var.getKey() + "}", value));
                            }
                        }
                        results = next;
                    }
                    return results;
                default:
                    break;
            }
        }
        throw new AssertionError("cannot resolve resource expression " + expression);
    }

    private static final Pattern TABLE_ARN = Pattern.compile(
            "arn:\\$\\{AWS::Partition}:dynamodb:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:table/\\$\\{(\\w+)}");
    private static final Pattern TABLE_GETATT = Pattern.compile("\\$\\{(\\w+)\\.Arn}");
    private static final Pattern SES_IDENTITY = Pattern.compile(
            "arn:\\$\\{AWS::Partition}:ses:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:identity/\\$\\{(\\w+)}");

    /** {@code table/LogicalId} for a table of this template, {@code ses-identity/Parameter}, else the text. */
    String canonical(String arn) {
        for (Pattern p : List.of(TABLE_ARN, TABLE_GETATT)) {
            Matcher m = p.matcher(arn);
            if (m.matches() && tables.contains(m.group(1))) {
                return "table/" + m.group(1);
            }
        }
        Matcher ses = SES_IDENTITY.matcher(arn);
        if (ses.matches()) {
            return "ses-identity/" + ses.group(1);
        }
        return arn;
    }

    static List<Object> asList(Object o) {
        if (o == null) {
            return List.of();
        }
        return o instanceof List<?> l ? new ArrayList<>(l) : List.of(o);
    }
}
