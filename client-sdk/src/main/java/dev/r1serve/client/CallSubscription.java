package dev.r1serve.client;

import io.grpc.stub.ClientCallStreamObserver;
import java.util.concurrent.Flow;

/**
 * What every bridge from a gRPC call to a Flow subscriber needs: the call starts with nothing requested and the
 * subscriber's demand becomes gRPC requests; nothing is signalled before onSubscribe (an end that comes first is
 * held until then); the end is signalled once; a cancel stops the call.
 *
 * @param <T> what the subscriber receives
 */
abstract class CallSubscription<T> implements Flow.Subscription {

    protected final Flow.Subscriber<? super T> subscriber;
    protected ClientCallStreamObserver<?> call;
    private boolean subscribed;
    private boolean done;
    private Throwable earlyError;
    private boolean earlyCompletion;

    CallSubscription(Flow.Subscriber<? super T> subscriber) {
        this.subscriber = subscriber;
    }

    /** From the call's {@code beforeStart}: nothing is requested until the subscriber asks. */
    protected final void attach(ClientCallStreamObserver<?> c) {
        call = c;
        c.disableAutoRequestWithInitial(0);
    }

    /**
     * Once the call started: tells the subscriber, then an end that came before.
     *
     * @return whether the call is still open
     */
    protected final boolean subscribe() {
        synchronized (this) {
            subscribed = true;
        }
        subscriber.onSubscribe(this);
        boolean ended;
        synchronized (this) {
            ended = earlyError != null || earlyCompletion;
        }
        if (ended) {
            signalEnd(earlyError);
        }
        return !ended;
    }

    protected final synchronized boolean isSubscribed() {
        return subscribed;
    }

    protected final synchronized boolean isDone() {
        return done;
    }

    /** The call ended ({@code error} null when it completed). */
    protected final void finish(Throwable error, boolean completed) {
        synchronized (this) {
            if (!subscribed) { // the call ended before the subscriber was told about it
                earlyError = error;
                earlyCompletion = completed;
                return;
            }
        }
        signalEnd(error);
    }

    private void signalEnd(Throwable error) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        if (error != null) {
            subscriber.onError(error);
        } else {
            subscriber.onComplete();
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            call.cancel("non-positive request", null);
            signalEnd(new IllegalArgumentException("request(" + n + "): must be > 0 (Reactive Streams 3.9)"));
            return;
        }
        call.request((int) Math.min(Integer.MAX_VALUE, n));
    }

    @Override
    public void cancel() {
        synchronized (this) {
            done = true;
        }
        call.cancel("subscriber cancelled", null);
    }
}
