package dev.rcpat.mail.ses;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.Body;
import software.amazon.awssdk.services.ses.model.Content;
import software.amazon.awssdk.services.ses.model.Message;

import dev.rcpat.mail.CodeMail;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.MailUnavailableException;

import java.util.List;
import java.util.function.Supplier;

/** The "Authentication code" mail, sent with SES {@code SendEmail} from the configured identity. */
public final class SesCodeMailer implements CodeMailer {

    public static final String SUBJECT = "Authentication code";

    private final Supplier<SesClient> ses;
    private final String sender;

    /** {@code ses} is asked for the client when the first code is sent. */
    public SesCodeMailer(Supplier<SesClient> ses, String sender) {
        this.ses = ses;
        this.sender = sender;
    }

    @Override
    public void sendCode(List<String> to, String username, String code) throws MailUnavailableException {
        String shown = code.substring(0, 3) + "-" + code.substring(3);
        Message message = Message.builder()
                .subject(utf8(SUBJECT))
                .body(Body.builder().text(utf8(CodeMail.text(username, shown))).html(utf8(CodeMail.html(username, shown))).build())
                .build();
        try {
            SesClient client = ses.get();
            // One mail per address, as Rocket.Chat sends them: no address sees the others.
            for (String address : to) {
                client.sendEmail(b -> b.source(sender).destination(d -> d.toAddresses(address)).message(message));
            }
        } catch (SdkException e) {
            throw new MailUnavailableException(e);
        }
    }

    private static Content utf8(String s) {
        return Content.builder().charset("UTF-8").data(s).build();
    }
}
