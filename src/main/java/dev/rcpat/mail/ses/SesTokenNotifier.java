package dev.rcpat.mail.ses;

import dev.rcpat.mail.TokenNotice;
import dev.rcpat.mail.TokenNoticeMail;
import dev.rcpat.mail.TokenNotifier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.Body;
import software.amazon.awssdk.services.ses.model.Content;
import software.amazon.awssdk.services.ses.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The token notice, sent with SES {@code SendEmail} from the configured identity, one mail per address. */
public final class SesTokenNotifier implements TokenNotifier {

    /**
     * The notice is sent while the client waits for its new token, which is already stored: a slow
     * SES must not hold that answer for the client's 5 s SES timeout per address. A notice that
     * times out may still arrive; it is counted as failed and not sent again (the client does not retry).
     */
    static final Duration NOTICE_TIMEOUT = Duration.ofSeconds(2);

    private final Supplier<SesClient> ses;
    private final String sender;

    /** {@code ses} is asked for the client when the first notice is sent. */
    public SesTokenNotifier(Supplier<SesClient> ses, String sender) {
        this.ses = ses;
        this.sender = sender;
    }

    @Override
    public Delivery notify(List<String> to, TokenNotice notice) {
        Delivery delivery = Delivery.NONE;
        for (String address : to) {
            String greeted = notice.username() != null ? notice.username() : address;
            Message message = Message.builder()
                    .subject(utf8(TokenNoticeMail.subject(notice.change())))
                    .body(Body.builder().text(utf8(TokenNoticeMail.text(greeted, notice)))
                            .html(utf8(TokenNoticeMail.html(greeted, notice))).build())
                    .build();
            try {
                ses.get().sendEmail(b -> b.source(sender).destination(d -> d.toAddresses(address)).message(message)
                        .overrideConfiguration(o -> o.apiCallTimeout(NOTICE_TIMEOUT).apiCallAttemptTimeout(NOTICE_TIMEOUT)));
                delivery = delivery.plus(new Delivery(1, 0, null));
            } catch (SdkException e) {
                delivery = delivery.plus(new Delivery(0, 1, e.getClass().getSimpleName()));
            }
        }
        return delivery;
    }

    private static Content utf8(String s) {
        return Content.builder().charset("UTF-8").data(s).build();
    }
}
