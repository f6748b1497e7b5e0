package dev.rcpat.mail.ses;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.aws.Lazy;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.mail.TokenNotice;
import dev.rcpat.mail.TokenNotifier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.ses.SesClient;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rehearsal runs the whole send path of both mails through the real SES client, answered by
 * the HTTP client itself; outside it, calls reach the network (here, one that is down).
 */
class SesRehearsalTest {

    final List<String> reachedTheNetwork = new ArrayList<>();
    final SdkHttpClient down = new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            reachedTheNetwork.add(request.httpRequest().getUri().toString());
            return new ExecutableHttpRequest() {
                @Override
                public software.amazon.awssdk.http.HttpExecuteResponse call() throws IOException {
                    throw new IOException("no network in this test");
                }

                @Override
                public void abort() { }
            };
        }

        @Override
        public void close() { }
    };

    final SesRehearsal rehearsal = new SesRehearsal();
    final AwsEnvironment aws = AwsEnvironment.emulators(URI.create("http://127.0.0.1:9"), URI.create("http://127.0.0.1:9"));
    final Lazy<SesClient> ses = new Lazy<>(() -> AwsClients.ses(aws, rehearsal.around(down), new AwsCallCounter()));
    final SesCodeMailer codes = new SesCodeMailer(ses, "no-reply@rcpat.test");
    final SesTokenNotifier notices = new SesTokenNotifier(ses, "no-reply@rcpat.test");

    @Test
    void aRehearsalSendsBothMailsWithoutTheNetwork() {
        assertEquals(new TokenNotifier.Delivery(1, 0, null), rehearsal.rehearse(codes, notices, 1_800_000_000_000L));
        assertEquals(List.of(), reachedTheNetwork);
    }

    @Test
    void outsideARehearsalEveryCallGoesToSes() {
        rehearsal.rehearse(codes, notices, 1_800_000_000_000L);
        TokenNotifier.Delivery delivery = notices.notify(List.of("alice@rcpat.test"),
                new TokenNotice("alice", "ci", TokenChange.CREATED, 1_800_000_000_000L, "203.0.113.9", "curl/8"));
        assertEquals(new TokenNotifier.Delivery(0, 1, "SdkClientException"), delivery);
        assertEquals(List.of("http://127.0.0.1:9"), reachedTheNetwork, "one call, to SES, which is down");
    }
}
