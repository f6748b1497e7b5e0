package dev.rcpat.mail.ses;

import dev.rcpat.domain.TokenChange;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.MailUnavailableException;
import dev.rcpat.mail.TokenNotice;
import dev.rcpat.mail.TokenNotifier;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sending a mail the first time loads about 600 classes (the SES request's marshalling and
 * signing, the HTTP exchange, the XML answer's parsing): some 200 ms of the first request that
 * mails. SnapStart priming therefore sends a code mail and a token notice through the real
 * mailers and SES client, and while it does, the HTTP client answers as SES answers a SendEmail
 * and nothing leaves the function. Outside a rehearsal every call goes to SES.
 */
public final class SesRehearsal {

    /** Where the rehearsed mails are addressed: a reserved top-level domain (RFC 2606), never delivered. */
    static final String NOBODY = "snapstart-priming@rcpat.invalid";

    /** SES's answer to SendEmail (query protocol). */
    private static final byte[] SEND_EMAIL_ANSWER = ("<SendEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
            + "<SendEmailResult><MessageId>snapstart-priming</MessageId></SendEmailResult>"
            + "<ResponseMetadata><RequestId>snapstart-priming</RequestId></ResponseMetadata></SendEmailResponse>")
            .getBytes(StandardCharsets.UTF_8);

    private final ThreadLocal<Boolean> rehearsing = ThreadLocal.withInitial(() -> false);

    /** {@code real}, except on a thread that rehearses: there every call is answered as SES answers SendEmail. */
    public SdkHttpClient around(SdkHttpClient real) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                if (!rehearsing.get()) {
                    return real.prepareRequest(request);
                }
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() {
                        return HttpExecuteResponse.builder()
                                .response(SdkHttpResponse.builder().statusCode(200).putHeader("Content-Type", "text/xml")
                                        .putHeader("x-amzn-RequestId", "snapstart-priming").build())
                                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(SEND_EMAIL_ANSWER)))
                                .build();
                    }

                    @Override
                    public void abort() {
                        // answered at once: nothing to abort
                    }
                };
            }

            @Override
            public String clientName() {
                return real.clientName();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    /**
     * Sends a code mail and a notice through {@code codes} and {@code notices}, answered here. Best
     * effort: priming must not fail the snapshot.
     *
     * @return the notice's delivery (one sent when the whole path ran)
     */
    public TokenNotifier.Delivery rehearse(CodeMailer codes, TokenNotifier notices, long now) {
        rehearsing.set(true);
        try {
            try {
                codes.sendCode(List.of(NOBODY), "snapstart-priming", "000000");
            } catch (MailUnavailableException | RuntimeException e) {
                // the notice below still loads most of the path
            }
            return notices.notify(List.of(NOBODY), new TokenNotice("snapstart-priming", "snapstart-priming",
                    TokenChange.CREATED, now, "127.0.0.1", "rcpat-snapstart-priming"));
        } catch (RuntimeException e) {
            return new TokenNotifier.Delivery(0, 1, e.getClass().getSimpleName());
        } finally {
            rehearsing.set(false);
        }
    }
}
