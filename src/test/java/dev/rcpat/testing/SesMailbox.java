package dev.rcpat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.local.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The mails an SES emulator kept, read as a user reads a mailbox: aws-ses-v2-local's
 * {@code GET /store}, or LocalStack's {@code GET /_aws/ses}.
 */
public final class SesMailbox {

    private final URI sentMails;
    private final Function<JsonNode, List<Mail>> reader;
    private final HttpClient http = HttpClient.newHttpClient();

    /** aws-ses-v2-local at {@code endpoint}. */
    public SesMailbox(URI endpoint) {
        this(endpoint.resolve("/store"), SesMailbox::fromSesV2Local);
    }

    private SesMailbox(URI sentMails, Function<JsonNode, List<Mail>> reader) {
        this.sentMails = sentMails;
        this.reader = reader;
    }

    /** LocalStack at {@code endpoint}. */
    public static SesMailbox localStack(URI endpoint) {
        return new SesMailbox(endpoint.resolve("/_aws/ses"), SesMailbox::fromLocalStack);
    }

    public record Mail(String from, List<String> to, String subject, String text, String html) { }

    public List<Mail> all() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(sentMails).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return reader.apply(Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Mails sent to {@code address}, oldest first. */
    public List<Mail> to(String address) {
        return all().stream().filter(m -> m.to().contains(address)).toList();
    }

    /** Mails with {@code subject} sent to {@code address}, oldest first. */
    public List<Mail> to(String address, String subject) {
        return to(address).stream().filter(m -> m.subject().equals(subject)).toList();
    }

    private static List<Mail> fromSesV2Local(JsonNode store) {
        List<Mail> out = new ArrayList<>();
        for (JsonNode e : store.path("emails")) {
            out.add(new Mail(e.path("from").asText(), strings(e.path("destination").path("to")),
                    e.path("subject").asText(), e.path("body").path("text").asText(null),
                    e.path("body").path("html").asText(null)));
        }
        return out;
    }

    private static List<Mail> fromLocalStack(JsonNode sent) {
        List<Mail> out = new ArrayList<>();
        for (JsonNode m : sent.path("messages")) {
            out.add(new Mail(m.path("Source").asText(), strings(m.path("Destination").path("ToAddresses")),
                    m.path("Subject").asText(), m.path("Body").path("text_part").asText(null),
                    m.path("Body").path("html_part").asText(null)));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }
}
