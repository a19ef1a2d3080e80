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
final class RolloutSubscription extends CallSubscription<RolloutGroup>
        implements ClientResponseObserver<RolloutRequest, RolloutGroup> {

    private final Iterator<RolloutRequest> requests;
    private final int maxInFlight;
    private ClientCallStreamObserver<RolloutRequest> requestStream;
    private boolean allSent;
    private int inFlight;

    RolloutSubscription(
            Iterator<RolloutRequest> requests, int maxInFlight, Flow.Subscriber<? super RolloutGroup> subscriber) {
        super(subscriber);
        this.requests = requests;
        this.maxInFlight = maxInFlight;
    }

    void start(RolloutServiceGrpc.RolloutServiceStub stub) {
        stub.rollouts(this);
        if (subscribe()) {
            sendMore();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<RolloutRequest> c) {
        requestStream = c;
        attach(c);
        c.setOnReadyHandler(this::sendMore);
    }

    private synchronized void sendMore() {
        if (!isSubscribed() || isDone() || allSent) {
            return;
        }
        while (inFlight < maxInFlight && requestStream.isReady() && requests.hasNext()) {
            requestStream.onNext(requests.next());
            inFlight++;
        }
        if (!requests.hasNext()) {
            allSent = true;
            requestStream.onCompleted();
        }
    }

    @Override
    public void onNext(RolloutGroup group) {
        synchronized (this) {
            if (isDone()) {
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
}
