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

/** The SES emulator's store of sent mails ({@code GET /store}), read as a user reads a mailbox. */
public final class SesMailbox {

    private final URI endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    public SesMailbox(URI endpoint) {
        this.endpoint = endpoint;
    }

    public record Mail(String from, List<String> to, String subject, String text, String html) { }

    public List<Mail> all() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/store")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode emails = Json.MAPPER.readTree(r.body()).path("emails");
            List<Mail> out = new ArrayList<>();
            for (JsonNode e : emails) {
                List<String> to = new ArrayList<>();
                e.path("destination").path("to").forEach(t -> to.add(t.asText()));
                out.add(new Mail(e.path("from").asText(), to, e.path("subject").asText(),
                        e.path("body").path("text").asText(null), e.path("body").path("html").asText(null)));
            }
            return out;
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
}
