package dev.rcpat.aws;

import java.util.function.Supplier;

/**
 * A value built on its first use, once, whichever thread asks first. The SES client (about 150
 * classes and tens of milliseconds) is one: most cold starts never send a mail, and SnapStart
 * priming asks for it so that restored environments have it ready.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    public Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = value = factory.get();
                }
            }
        }
        return v;
    }
}
