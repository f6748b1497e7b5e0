package dev.rcpat.mail;

import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the real mailer (and its SES client, about 150 classes and tens of milliseconds) on
 * the first code sent rather than at init: most cold starts never send a mail. SnapStart
 * priming calls {@link #build()} so restored environments have it ready.
 */
public final class LazyCodeMailer implements CodeMailer {

    private final Supplier<CodeMailer> factory;
    private volatile CodeMailer delegate;

    public LazyCodeMailer(Supplier<CodeMailer> factory) {
        this.factory = factory;
    }

    /** The real mailer, built once. */
    public CodeMailer build() {
        CodeMailer d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    d = delegate = factory.get();
                }
            }
        }
        return d;
    }

    @Override
    public void sendCode(List<String> to, String username, String code) throws MailUnavailableException {
        build().sendCode(to, username, code);
    }
}
