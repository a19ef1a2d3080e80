package dev.r1serve.client;

import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutServiceGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.concurrent.Flow;

/**
 * Bridges one Rollouts call to a Flow subscriber. Requests go out while fewer than {@code maxInFlight} groups are
 * outstanding and the transport is ready (so the server's per-stream limit is never crossed); each group received
 * makes room for the next request; after the last request the client half-closes. The subscriber's demand becomes
 * gRPC requests, and nothing is signalled before onSubscribe.
 */
final class RolloutSubscription implements Flow.Subscription, ClientResponseObserver<RolloutRequest, RolloutGroup> {

    private final Iterator<RolloutRequest> requests;
    private final int maxInFlight;
    private final Flow.Subscriber<? super RolloutGroup> subscriber;
    private ClientCallStreamObserver<RolloutRequest> call;
    private boolean subscribed;
    private boolean allSent;
    private boolean done;
    private int inFlight;
    private Throwable earlyError;
    private boolean earlyCompletion;

    RolloutSubscription(
            Iterator<RolloutRequest> requests, int maxInFlight, Flow.Subscriber<? super RolloutGroup> subscriber) {
        this.requests = requests;
        this.maxInFlight = maxInFlight;
        this.subscriber = subscriber;
    }

    void start(RolloutServiceGrpc.RolloutServiceStub stub) {
        stub.rollouts(this);
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
        } else {
            sendMore();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<RolloutRequest> c) {
        call = c;
        c.disableAutoRequestWithInitial(0);
        c.setOnReadyHandler(this::sendMore);
    }

    private synchronized void sendMore() {
        if (!subscribed || done || allSent) {
            return;
        }
        while (inFlight < maxInFlight && call.isReady() && requests.hasNext()) {
            call.onNext(requests.next());
            inFlight++;
        }
        if (!requests.hasNext()) {
            allSent = true;
            call.onCompleted();
        }
    }

    @Override
    public void onNext(RolloutGroup group) {
        synchronized (this) {
            if (done) {
                return;
            }
            inFlight--;
        }
        subscriber.onNext(group);
        sendMore();
    }

    @Override
    public void onError(Throwable t) {
        finish(t, false);
    }

    @Override
    public void onCompleted() {
        finish(null, true);
    }

    private void finish(Throwable error, boolean completed) {
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
