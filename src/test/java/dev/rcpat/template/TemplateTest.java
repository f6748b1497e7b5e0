package dev.rcpat.template;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.rcpat.local.CfnTemplate;
import dev.rcpat.local.Json;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml without AWS: valid for SAM's own schema, one handler (in Globals) that exists in
 * the artifact, exactly the environment the code reads (with the code's defaults), protected
 * tables, and no wildcard in any grant. Whether each grant is a call the code makes is
 * {@link TemplatePoliciesIT}.
 */
class TemplateTest {

    /** Endpoint overrides for the local emulators: declared (for sam local) but empty on AWS. */
    static final Set<String> LOCAL_ONLY = Set.of(AwsEnvironment.DYNAMODB_ENDPOINT, AwsEnvironment.SES_ENDPOINT);

    final SamTemplate template = SamTemplate.load();

    static Set<ValidationMessage> validate(Object document) {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                .getSchema(SamTemplate.schemaFile("sam.schema.json"));
        return schema.validate(Json.MAPPER.valueToTree(document));
    }

    @Test
    void isValidForSamsSchema() {
        assertEquals(Set.of(), validate(template.document()));
    }

    @Test
    void theSchemaCheckRejectsWhatSamRejects() {
        ObjectNode typo = Json.MAPPER.valueToTree(template.document());
        ((ObjectNode) typo.at("/Resources/GenerateTokenFunction/Properties")).put("Handlr", "x");
        assertTrue(validate(typo).stream().anyMatch(m -> m.getMessage().contains("Handlr")), validate(typo).toString());

        ObjectNode policiesInGlobals = Json.MAPPER.valueToTree(template.document());
        ((ObjectNode) policiesInGlobals.at("/Globals/Function")).putArray("Policies").add("AWSLambdaExecute");
        assertTrue(validate(policiesInGlobals).stream().anyMatch(m -> m.getMessage().contains("Policies")),
                validate(policiesInGlobals).toString());

        ObjectNode badStageName = Json.MAPPER.valueToTree(template.document());
        ((ObjectNode) badStageName.at("/Resources/Api/Properties")).put("StageName", 42);
        assertFalse(validate(badStageName).isEmpty());
    }

    /** CloudFormation refuses a key given twice in one mapping; the template reader must not keep the last silently. */
    @Test
    void aKeyGivenTwiceIsRefused(@TempDir Path dir) throws IOException {
        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, "Globals:\n  Function:\n    Handler: a::b\n    Handler: c::d\n");
        assertThrows(DuplicateKeyException.class, () -> CfnTemplate.load(twice));
    }

    /** Every function runs the same handler, declared once in Globals; it serves the route of its event. */
    static final String HANDLER = "dev.rcpat.entrypoints.ApiHandler::handleRequest";

    @Test
    void everyFunctionRunsTheOneHandlerDeclaredInGlobals() {
        assertEquals(HANDLER, template.globalFunction().get("Handler"));
        for (SamTemplate.Function f : template.functions()) {
            assertFalse(f.properties().containsKey("Handler"), f.logicalId() + " overrides Handler");
            assertEquals(HANDLER, f.handlerClass() + "::" + f.handlerMethod(), f.logicalId());
        }
    }

    /** By name (reflection), so this test compiles whatever the entry point's package holds. */
    @Test
    void theHandlerIsAClassOfTheArtifactWithHandleRequest() throws ReflectiveOperationException {
        String className = HANDLER.substring(0, HANDLER.indexOf("::"));
        Path file = SamTemplate.PROJECT.resolve("target/classes").resolve(className.replace('.', '/') + ".class");
        assertTrue(Files.isRegularFile(file), file + " is not in the artifact's classes");
        Class<?> handler = Class.forName(className);
        assertTrue(RequestHandler.class.isAssignableFrom(handler), handler + " is not a RequestHandler");
        Method method = handler.getMethod(HANDLER.substring(HANDLER.indexOf("::") + 2),
                APIGatewayProxyRequestEvent.class, Context.class);
        assertTrue(Modifier.isPublic(method.getModifiers()));
        handler.getConstructor();
    }

    @Test
    void everyFunctionRunsTheOneArtifactOnJava21WithSnapStart() {
        Map<String, Object> globals = template.globalFunction();
        assertEquals(".", globals.get("CodeUri"));
        assertEquals("java21", globals.get("Runtime"));
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), globals.get("SnapStart"));
        assertTrue(globals.get("AutoPublishAlias") instanceof String);
        assertEquals("JSON", ((Map<?, ?>) globals.get("LoggingConfig")).get("LogFormat"));
        for (SamTemplate.Function f : template.functions()) {
            for (String inherited : List.of("CodeUri", "Runtime", "SnapStart", "AutoPublishAlias")) {
                assertFalse(f.properties().containsKey(inherited), f.logicalId() + " overrides " + inherited);
            }
        }
        long distinctRoutes = template.functions().stream().map(f -> f.httpMethod() + " " + f.path()).distinct().count();
        assertEquals(template.functions().size(), distinctRoutes, "one function per endpoint");
    }

    /** The env var names the code reads: Settings' name constants, and AwsEnvironment's but the local ones. */
    static Set<String> variablesTheCodeReads() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Class<?> c : List.of(Settings.class, AwsEnvironment.class)) {
            for (Field field : c.getDeclaredFields()) {
                int m = field.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class
                        && field.getName().equals(field.get(null))) {
                    names.add(field.getName());
                }
            }
        }
        assertTrue(names.containsAll(LOCAL_ONLY), "the local endpoint overrides moved: " + names);
        assertTrue(names.contains(Settings.USERS_TABLE));
        return names;
    }

    @Test
    void everyFunctionDeclaresExactlyTheVariablesTheCodeReads() throws IllegalAccessException {
        Set<String> read = variablesTheCodeReads();
        for (SamTemplate.Function f : template.functions()) {
            assertEquals(read, new TreeSet<>(f.environment().keySet()), f.logicalId());
            for (String local : LOCAL_ONLY) {
                assertEquals("", f.environment().get(local), f.logicalId() + " must not point " + local + " anywhere on AWS");
            }
        }
    }

    /**
     * With every parameter at its default, the template gives the functions the settings the code
     * itself defaults to (Rocket.Chat's): the two lists of defaults cannot drift apart.
     */
    @Test
    @SuppressWarnings("unchecked")
    void parameterDefaultsAreTheCodesDefaults() {
        Map<String, Object> parameters = (Map<String, Object>) template.document().get("Parameters");
        Map<String, String> env = new HashMap<>();
        Map<String, String> minimal = new HashMap<>();
        ((Map<String, Object>) ((Map<String, Object>) template.globalFunction().get("Environment")).get("Variables"))
                .forEach((name, value) -> {
                    Object resolved = atDefaults(value, parameters);
                    if (resolved == null) {
                        return;
                    }
                    String text = String.valueOf(resolved);
                    env.put(name, text);
                    if (Set.of(Settings.USERS_TABLE, Settings.PERMISSIONS_TABLE, Settings.SENDER_ADDRESS).contains(name)) {
                        minimal.put(name, text);
                    }
                });
        assertEquals(3, minimal.size(), "tables and sender come from resources / a required parameter: " + minimal);
        assertEquals(Settings.from(minimal), Settings.from(env));
    }

    /** An environment value with parameters at their defaults; a resource or required parameter stays symbolic. */
    @SuppressWarnings("unchecked")
    private Object atDefaults(Object value, Map<String, Object> parameters) {
        if (value instanceof Map<?, ?> map && map.get("Ref") instanceof String ref) {
            if (ref.equals("AWS::NoValue")) {
                return null;
            }
            Map<String, Object> p = (Map<String, Object>) parameters.get(ref);
            return p == null || !p.containsKey("Default") ? "<" + ref + ">" : p.get("Default");
        }
        if (value instanceof Map<?, ?> map && map.get("Fn::If") instanceof List<?> branches) {
            return atDefaults(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2), parameters);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private boolean condition(String name) {
        Object expression = ((Map<String, Object>) template.document().get("Conditions")).get(name);
        return evaluate(expression, (Map<String, Object>) template.document().get("Parameters"));
    }

    @SuppressWarnings("unchecked")
    private boolean evaluate(Object expression, Map<String, Object> parameters) {
        Map<String, Object> fn = (Map<String, Object>) expression;
        if (fn.containsKey("Fn::Not")) {
            return !evaluate(((List<Object>) fn.get("Fn::Not")).get(0), parameters);
        }
        List<Object> equals = (List<Object>) fn.get("Fn::Equals");
        return String.valueOf(atDefaults(equals.get(0), parameters)).equals(String.valueOf(atDefaults(equals.get(1), parameters)));
    }

    @Test
    void tablesAreOnDemandEncryptedRecoverableAndRetained() {
        template.cfn().resources().forEach((id, resource) -> {
            if (!"AWS::DynamoDB::Table".equals(resource.get("Type"))) {
                return;
            }
            assertEquals("Retain", resource.get("DeletionPolicy"), id);
            assertEquals("Retain", resource.get("UpdateReplacePolicy"), id);
            Map<?, ?> p = (Map<?, ?>) resource.get("Properties");
            assertEquals("PAY_PER_REQUEST", p.get("BillingMode"), id);
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true), p.get("PointInTimeRecoverySpecification"), id);
            assertEquals(Map.of("SSEEnabled", true), p.get("SSESpecification"), id);
            assertEquals(true, p.get("DeletionProtectionEnabled"), id);
        });
    }

    @Test
    void noGrantHasAWildcardAndEachNamesATableOrTheSenderIdentity() {
        for (SamTemplate.Function f : template.functions()) {
            Set<SamTemplate.Grant> grants = template.grants(f);
            assertFalse(grants.isEmpty(), f.logicalId());
            for (SamTemplate.Grant g : grants) {
                assertTrue(g.action().matches("[a-z0-9]+:[A-Za-z]+"), f.logicalId() + ": action " + g.action());
                assertFalse(g.resource().contains("*"), f.logicalId() + ": wildcard resource " + g);
                assertTrue(g.resource().startsWith(g.action().startsWith("ses:") ? "ses-identity/" : "table/"),
                        f.logicalId() + ": resource " + g);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theApiUrlOutputIsTheStagesBaseUrl() {
        Map<String, Object> api = template.cfn().resourcesOfType("AWS::Serverless::Api").get("Api");
        Map<String, Object> outputs = (Map<String, Object>) template.document().get("Outputs");
        Object url = ((Map<String, Object>) outputs.get("ApiUrl")).get("Value");
        assertEquals(Map.of("Fn::Sub", "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + api.get("StageName")), url);
        List<Map<String, Object>> throttling = (List<Map<String, Object>>) api.get("MethodSettings");
        assertTrue(throttling.stream().allMatch(s -> s.containsKey("ThrottlingRateLimit") && s.containsKey("ThrottlingBurstLimit")));
        assertEquals(Set.of("ApiUrl", "UsersTableName", "PermissionsTableName", "FunctionLogGroupName",
                "ApiAccessLogGroupName", "DashboardUrl", "AlarmTopicArn"), outputs.keySet().stream().collect(Collectors.toSet()));
    }

    static final Set<SamTemplate.Grant> STORE_ACCESS = Set.of(
            new SamTemplate.Grant("dynamodb:BatchGetItem", "table/UsersTable"),
            new SamTemplate.Grant("dynamodb:BatchGetItem", "table/PermissionsTable"),
            new SamTemplate.Grant("dynamodb:UpdateItem", "table/UsersTable"));

    /** The managed policies are followed: what each function gets is what it lists, no more. */
    @Test
    void grantExpansionFollowsRefsToTheTemplatesManagedPolicies() {
        Set<SamTemplate.Grant> mail = Set.of(
                new SamTemplate.Grant("ses:SendEmail", "ses-identity/SenderIdentity"),
                new SamTemplate.Grant("ses:SendEmail", "ses-identity/SenderAddress"));
        Map<String, Set<SamTemplate.Grant>> byFunction = new HashMap<>();
        template.functions().forEach(f -> byFunction.put(f.logicalId(), template.grants(f)));
        Set<SamTemplate.Grant> withMail = new HashSet<>(STORE_ACCESS);
        withMail.addAll(mail);
        assertEquals(Map.of("GenerateTokenFunction", withMail, "RegenerateTokenFunction", withMail,
                "RemoveTokenFunction", withMail, "ListTokensFunction", STORE_ACCESS), byFunction);

        SamTemplate.Function f = template.functions().get(0);
        for (Object notAPolicy : List.of(Map.of("Ref", "UsersTable"), Map.of("Ref", "NoSuchPolicy"), "AWSLambdaExecute")) {
            Map<String, Object> props = new HashMap<>(f.properties());
            props.put("Policies", List.of(notAPolicy));
            SamTemplate.Function other = new SamTemplate.Function(f.logicalId(), f.handlerClass(), f.handlerMethod(),
                    f.httpMethod(), f.path(), f.environment(), props);
            assertThrows(AssertionError.class, () -> template.grants(other), notAPolicy.toString());
        }
    }

    /** The mail grant is limited to SENDER_ADDRESS as the From address, wherever the statement lives. */
    @Test
    void sendingMailIsGrantedForTheSenderAddressOnly() {
        for (SamTemplate.Function f : template.functions()) {
            for (Map<String, Object> statement : template.statements(f)) {
                if (SamTemplate.asList(statement.get("Action")).stream().noneMatch(a -> ((String) a).startsWith("ses:"))) {
                    continue;
                }
                assertEquals(Map.of("StringEquals", Map.of("ses:FromAddress", Map.of("Ref", "SenderAddress"))),
                        statement.get("Condition"), f.logicalId());
            }
        }
    }

    @Test
    void grantExpansionUnderstandsSamPolicyTemplates() {
        // The checks above must also hold for functions that use SAM's templates: this one is
        // what DynamoDBCrudPolicy really grants, far more than our code calls.
        JsonNode crud = SamTemplate.schemaFile("sam-policy-templates.json").at("/Templates/DynamoDBCrudPolicy");
        assertFalse(crud.isMissingNode());
        SamTemplate.Function f = template.functions().get(0);
        Map<String, Object> props = new HashMap<>(f.properties());
        props.put("Policies", List.of(Map.of("DynamoDBCrudPolicy", Map.of("TableName", Map.of("Ref", "UsersTable")))));
        Set<SamTemplate.Grant> grants = template.grants(new SamTemplate.Function(f.logicalId(), f.handlerClass(),
                f.handlerMethod(), f.httpMethod(), f.path(), f.environment(), props));
        assertTrue(grants.contains(new SamTemplate.Grant("dynamodb:DeleteItem", "table/UsersTable")), grants.toString());
        assertTrue(grants.stream().anyMatch(g -> g.resource().endsWith("/index/*")), grants.toString());
    }
}
