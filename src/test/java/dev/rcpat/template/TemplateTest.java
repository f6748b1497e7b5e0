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
import dev.rcpat.CompositionRoot;
import dev.rcpat.config.Settings;
import dev.rcpat.testing.TestSettings;
import dev.rcpat.domain.Refusal;
import dev.rcpat.http.Responses;
import dev.rcpat.local.ProxyServer;
import dev.rcpat.ratelimit.dynamodb.DynamoDbRateLimitCounters;
import dev.rcpat.web.PageHandler;
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
 * template.yaml without AWS: valid for SAM's own schema, one handler (in Globals) for the API
 * that exists in the artifact, the token page's function with its own, exactly the environment the
 * code reads (with the code's defaults), protected tables, and no wildcard in any grant. Whether
 * each grant is a call the code makes is {@link TemplatePoliciesIT}.
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

    /** Every API function runs the same handler, declared once in Globals; it serves the route of its event. */
    static final String HANDLER = "dev.rcpat.entrypoints.ApiHandler::handleRequest";
    /** The token page's function has its own: no settings, no SDK (docs/deploy.md, "The token page"). */
    static final String PAGE_HANDLER = "dev.rcpat.web.PageHandler::handleRequest";

    @Test
    void everyApiFunctionRunsTheOneHandlerDeclaredInGlobals() {
        assertEquals(HANDLER, template.globalFunction().get("Handler"));
        for (SamTemplate.Function f : template.apiFunctions()) {
            assertFalse(f.properties().containsKey("Handler"), f.logicalId() + " overrides Handler");
            assertEquals(HANDLER, f.handlerClass() + "::" + f.handlerMethod(), f.logicalId());
        }
        assertEquals(template.functions().size() - 1, template.apiFunctions().size(), "one function besides the API's");
    }

    @Test
    void thePageFunctionServesThePageAndItsFilesWithItsOwnHandlerAndNoGrant() {
        SamTemplate.Function page = template.pageFunction();
        assertEquals(PAGE_HANDLER, page.properties().get("Handler"));
        assertEquals(List.of(new SamTemplate.ApiEvent("GET", PageHandler.PAGE_RESOURCE),
                new SamTemplate.ApiEvent("GET", PageHandler.ASSET_RESOURCE)), page.events());
        assertFalse(page.properties().containsKey("Policies"), "the page calls no AWS service");
        assertEquals(Set.of(), template.grants(page));
    }

    /** By name (reflection), so this test compiles whatever the entry point's package holds. */
    @Test
    void eachHandlerIsAClassOfTheArtifactWithHandleRequest() throws ReflectiveOperationException {
        for (String declared : List.of(HANDLER, PAGE_HANDLER)) {
            String className = declared.substring(0, declared.indexOf("::"));
            Path file = SamTemplate.PROJECT.resolve("target/classes").resolve(className.replace('.', '/') + ".class");
            assertTrue(Files.isRegularFile(file), file + " is not in the artifact's classes");
            Class<?> handler = Class.forName(className);
            assertTrue(RequestHandler.class.isAssignableFrom(handler), handler + " is not a RequestHandler");
            Method method = handler.getMethod(declared.substring(declared.indexOf("::") + 2),
                    APIGatewayProxyRequestEvent.class, Context.class);
            assertTrue(Modifier.isPublic(method.getModifiers()));
            handler.getConstructor();
        }
        Path page = SamTemplate.PROJECT.resolve("target/classes/web/index.html");
        assertTrue(Files.isRegularFile(page), "the page's files are in the artifact: " + page);
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
    }

    /** The template serves exactly the route table's routes, each from one function. */
    @Test
    void theApiEventsAreTheRouteTable() {
        List<String> events = template.apiFunctions().stream().flatMap(f -> f.events().stream())
                .map(e -> e.method() + " " + e.path()).sorted().toList();
        assertEquals(events.stream().distinct().toList(), events, "a route served by two functions");
        CompositionRoot root = new CompositionRoot(TestSettings.defaults(), null, null, null,
                new dev.rcpat.mail.Mail(null, null, () -> { }), null, null, null);
        List<String> routes = root.pipeline().routes().stream().map(r -> r.method() + " " + r.path()).sorted().toList();
        assertEquals(routes, events);
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

    /**
     * The page's function inherits the same environment from Globals (SAM cannot leave a function
     * out of them); it reads none of it, and has no grant the table names would be of use with.
     */
    @Test
    void everyFunctionDeclaresExactlyTheVariablesTheApiReads() throws IllegalAccessException {
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
                    if (name.endsWith("_TABLE") || name.equals(Settings.SENDER_ADDRESS)) {
                        minimal.put(name, text);
                    }
                });
        assertEquals(5, minimal.size(), "tables and sender come from resources / a required parameter: " + minimal);
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

    /** The tables that hold users' data; the rate limiter's counters are disposable. */
    static final Set<String> DATA_TABLES = Set.of("UsersTable", "PermissionsTable", "LookupsTable");

    @Test
    void dataTablesAreOnDemandEncryptedRecoverableAndRetained() {
        Map<String, Map<String, Object>> tables = template.cfn().resourcesOfType("AWS::DynamoDB::Table");
        assertEquals(Set.of("UsersTable", "PermissionsTable", "LookupsTable", "RateLimitTable"), tables.keySet());
        template.cfn().resources().forEach((id, resource) -> {
            if (!DATA_TABLES.contains(id)) {
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

    /**
     * Counters that expire by themselves: on demand (a flood must not be throttled into 503s
     * sooner than necessary), encrypted, deleted by TTL and with the stack, no backups.
     */
    @Test
    void theRateLimitTableIsOnDemandEncryptedAndExpiresItsCounters() {
        Map<String, Object> resource = template.cfn().resources().get("RateLimitTable");
        assertEquals("Delete", resource.get("DeletionPolicy"));
        assertEquals("Delete", resource.get("UpdateReplacePolicy"));
        Map<?, ?> p = (Map<?, ?>) resource.get("Properties");
        assertEquals("PAY_PER_REQUEST", p.get("BillingMode"));
        assertEquals(Map.of("SSEEnabled", true), p.get("SSESpecification"));
        assertEquals(Map.of("AttributeName", DynamoDbRateLimitCounters.TTL, "Enabled", true), p.get("TimeToLiveSpecification"));
        assertEquals(List.of(Map.of("AttributeName", DynamoDbRateLimitCounters.ID, "KeyType", "HASH")), p.get("KeySchema"));
        assertFalse(p.containsKey("PointInTimeRecoverySpecification"));
        assertFalse(Boolean.TRUE.equals(p.get("DeletionProtectionEnabled")));
    }

    @Test
    void noGrantHasAWildcardAndEachNamesATableOrTheSenderIdentity() {
        for (SamTemplate.Function f : template.apiFunctions()) {
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
        assertEquals(Set.of("PageUrl", "ApiUrl", "UsersTableName", "PermissionsTableName", "LookupsTableName",
                "FunctionLogGroupName", "ApiAccessLogGroupName", "DashboardUrl", "AlarmTopicArn"),
                outputs.keySet().stream().collect(Collectors.toSet()));
        Object page = ((Map<String, Object>) outputs.get("PageUrl")).get("Value");
        assertEquals(Map.of("Fn::Sub", ((Map<?, ?>) url).get("Fn::Sub") + "/"), page, "the page is the stage's root, with its slash");
    }

    /** A gateway response's header values as API Gateway takes them: static values in single quotes. */
    static Map<String, String> quoted(Map<String, String> headers) {
        Map<String, String> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k, "'" + v + "'"));
        return out;
    }

    /**
     * API Gateway's own answers (throttling, an unknown path, any other refusal, a failed
     * function) have Rocket.Chat's shapes and the functions' headers, and bin/local serve answers
     * its 404 and 502 with the same bodies and headers.
     */
    @Test
    @SuppressWarnings("unchecked")
    void apiGatewaysOwnAnswersHaveRocketChatsShapesAndTheFunctionsHeaders() {
        Map<String, Object> api = (Map<String, Object>) template.cfn().resources().get("Api").get("Properties");
        Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) api.get("GatewayResponses");
        assertEquals(Set.of("THROTTLED", "MISSING_AUTHENTICATION_TOKEN", "RESOURCE_NOT_FOUND", "DEFAULT_4XX", "DEFAULT_5XX"),
                responses.keySet());
        Map<String, String> jsonHeaders = new HashMap<>(Responses.HEADERS);
        assertEquals("application/json", jsonHeaders.remove("Content-Type"));
        assertEquals(jsonHeaders, ProxyServer.GATEWAY_HEADERS);
        Map<String, String> body = new HashMap<>();
        Map<String, Object> status = new HashMap<>();
        responses.forEach((type, response) -> {
            Map<String, String> expected = new HashMap<>(quoted(jsonHeaders));
            if (type.equals("THROTTLED")) {
                expected.put("Retry-After", "'1'");
            }
            assertEquals(Map.of("Headers", expected), response.get("ResponseParameters"), type);
            Map<String, String> templates = (Map<String, String>) response.get("ResponseTemplates");
            assertEquals(Set.of("application/json"), templates.keySet(), type);
            body.put(type, templates.get("application/json"));
            status.put(type, response.get("StatusCode"));
        });
        assertEquals(Map.of("THROTTLED", "429", "MISSING_AUTHENTICATION_TOKEN", "404", "RESOURCE_NOT_FOUND", "404"),
                status.entrySet().stream().filter(e -> e.getValue() != null)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "the 4XX and 5XX keep API Gateway's status");

        assertEquals(Responses.refused(Refusal.tooManyRequests(1)).toEvent().getBody(), body.get("THROTTLED"));
        assertEquals(Responses.notFound().toEvent().getBody(), body.get("MISSING_AUTHENTICATION_TOKEN"));
        assertEquals(Responses.notFound().toEvent().getBody(), body.get("RESOURCE_NOT_FOUND"));
        assertEquals(ProxyServer.RESOURCE_NOT_FOUND, body.get("RESOURCE_NOT_FOUND"));
        String unavailable = Responses.refused(Refusal.unavailable(
                "The service could not complete the request, try again later", null, new RuntimeException())).toEvent().getBody();
        assertEquals(unavailable, body.get("DEFAULT_5XX"));
        assertEquals(ProxyServer.FUNCTION_FAILED, body.get("DEFAULT_5XX"));
        // $context.error.messageString is API Gateway's message, quoted: the body stays JSON.
        assertEquals(Responses.refused(Refusal.failure("Request Too Long")).toEvent().getBody(),
                body.get("DEFAULT_4XX").replace("$context.error.messageString", "\"Request Too Long\""));
        assertEquals(ProxyServer.REQUEST_TOO_LONG, Responses.refused(Refusal.failure("Request Too Long")).toEvent().getBody());
    }

    /** The optional flood shield: off by default; when on, a rate-based rule per IP on the API's stage, answering 429. */
    @Test
    @SuppressWarnings("unchecked")
    void theWafIsOptionalAndAnswersInTheLimitersShape() {
        Map<String, Object> parameter = (Map<String, Object>) ((Map<String, Object>) template.document().get("Parameters"))
                .get("WafRequestsPerIp");
        assertEquals("0", parameter.get("Default"));
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile((String) parameter.get("AllowedPattern"));
        for (String ok : List.of("0", "10", "100", "999999999", "1000000000", "1999999999", "2000000000")) {
            assertTrue(allowed.matcher(ok).matches(), ok);
        }
        for (String bad : List.of("", "1", "9", "010", "-5", "2000000001", "9999999999", "10.5")) {
            assertFalse(allowed.matcher(bad).matches(), bad);
        }
        Map<String, Object> conditions = (Map<String, Object>) template.document().get("Conditions");
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "WafRequestsPerIp"), "0")))),
                conditions.get("HasWaf"));

        Map<String, Map<String, Object>> resources = template.cfn().resources();
        Map<String, Object> acl = resources.get("FloodShield");
        Map<String, Object> association = resources.get("FloodShieldAssociation");
        assertEquals("HasWaf", acl.get("Condition"));
        assertEquals("HasWaf", association.get("Condition"));
        assertEquals("AWS::WAFv2::WebACL", acl.get("Type"));
        assertEquals("AWS::WAFv2::WebACLAssociation", association.get("Type"));
        Map<String, Object> a = (Map<String, Object>) association.get("Properties");
        assertEquals(Map.of("Fn::Sub", "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Api.Stage}"),
                a.get("ResourceArn"));
        assertEquals(Map.of("Fn::GetAtt", List.of("FloodShield", "Arn")), a.get("WebACLArn"));

        Map<String, Object> p = (Map<String, Object>) acl.get("Properties");
        assertEquals("REGIONAL", p.get("Scope"));
        assertEquals(Map.of("Allow", Map.of()), p.get("DefaultAction"));
        List<Map<String, Object>> rules = (List<Map<String, Object>>) p.get("Rules");
        assertEquals(1, rules.size());
        Map<String, Object> rule = rules.get(0);
        assertEquals(Map.of("RateBasedStatement", Map.of("AggregateKeyType", "IP", "EvaluationWindowSec", 300,
                "Limit", Map.of("Ref", "WafRequestsPerIp"))), rule.get("Statement"));
        Map<String, Object> response = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) rule.get("Action"))
                .get("Block")).get("CustomResponse");
        assertEquals(429, response.get("ResponseCode"));
        Map<String, String> headers = new HashMap<>();
        ((List<Map<String, String>>) response.get("ResponseHeaders")).forEach(h -> headers.put(h.get("Name"), h.get("Value")));
        Map<String, String> expectedHeaders = new HashMap<>(ProxyServer.GATEWAY_HEADERS);
        expectedHeaders.put("Retry-After", "300");
        assertEquals(expectedHeaders, headers);
        Map<String, Object> custom = (Map<String, Object>) ((Map<String, Object>) p.get("CustomResponseBodies"))
                .get(response.get("CustomResponseBodyKey"));
        assertEquals("APPLICATION_JSON", custom.get("ContentType"));
        assertEquals(Responses.refused(Refusal.tooManyRequests(300)).toEvent().getBody(), custom.get("Content"));
    }

    static final Set<SamTemplate.Grant> STORE_ACCESS = Set.of(
            new SamTemplate.Grant("dynamodb:BatchGetItem", "table/UsersTable"),
            new SamTemplate.Grant("dynamodb:BatchGetItem", "table/PermissionsTable"),
            new SamTemplate.Grant("dynamodb:UpdateItem", "table/UsersTable"),
            new SamTemplate.Grant("dynamodb:UpdateItem", "table/RateLimitTable"));

    /** The managed policies are followed: what each function gets is what it lists, no more. */
    @Test
    void grantExpansionFollowsRefsToTheTemplatesManagedPolicies() {
        Set<SamTemplate.Grant> mail = Set.of(
                new SamTemplate.Grant("ses:SendEmail", "ses-identity/SenderIdentity"),
                new SamTemplate.Grant("ses:SendEmail", "ses-identity/SenderAddress"));
        Map<String, Set<SamTemplate.Grant>> byFunction = new HashMap<>();
        template.functions().stream().filter(f -> f.logicalId().contains("Token"))
                .forEach(f -> byFunction.put(f.logicalId(), template.grants(f)));
        Set<SamTemplate.Grant> withMail = new HashSet<>(STORE_ACCESS);
        withMail.addAll(mail);
        assertEquals(Map.of("GenerateTokenFunction", withMail, "RegenerateTokenFunction", withMail,
                "RemoveTokenFunction", withMail, "ListTokensFunction", STORE_ACCESS), byFunction);

        SamTemplate.Function f = template.functions().get(0);
        for (Object notAPolicy : List.of(Map.of("Ref", "UsersTable"), Map.of("Ref", "NoSuchPolicy"), "AWSLambdaExecute")) {
            Map<String, Object> props = new HashMap<>(f.properties());
            props.put("Policies", List.of(notAPolicy));
            SamTemplate.Function other = new SamTemplate.Function(f.logicalId(), f.handlerClass(), f.handlerMethod(),
                    f.events(), f.environment(), props);
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
                f.handlerMethod(), f.events(), f.environment(), props));
        assertTrue(grants.contains(new SamTemplate.Grant("dynamodb:DeleteItem", "table/UsersTable")), grants.toString());
        assertTrue(grants.stream().anyMatch(g -> g.resource().endsWith("/index/*")), grants.toString());
    }
}
