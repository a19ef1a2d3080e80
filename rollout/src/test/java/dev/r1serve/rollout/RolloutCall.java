package dev.r1serve.rollout;

import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One Rollouts call from a test: requests in, every group and the call's end collected. */
final class RolloutCall implements ClientResponseObserver<RolloutRequest, RolloutGroup> {

    final List<RolloutGroup> groups = new ArrayList<>();
    /** Completes with null when the call completes, with the error when it fails. */
    final CompletableFuture<Throwable> end = new CompletableFuture<>();

    private ClientCallStreamObserver<RolloutRequest> requests;

    static RolloutCall open(Channel channel) {
        RolloutCall c = new RolloutCall();
        RolloutServiceGrpc.newStub(channel).rollouts(c);
        return c;
    }

    RolloutCall send(RolloutRequest... rs) {
        for (RolloutRequest r : rs) requests.onNext(r);
        return this;
    }

    void halfClose() {
        requests.onCompleted();
    }

    void cancel() {
        requests.cancel("test cancels", null);
    }

    /** Half-closes and waits for the call to complete; fails the test on an error. */
    List<RolloutGroup> finish() throws Exception {
        halfClose();
        Throwable t = end.get(60, TimeUnit.SECONDS);
        if (t != null) throw new AssertionError("the call failed", t);
        synchronized (this) {
            return List.copyOf(groups);
        }
    }

    /** Waits for the call to fail, and returns its error. */
    Throwable failure() throws Exception {
        Throwable t = end.get(60, TimeUnit.SECONDS);
        if (t == null) throw new AssertionError("the call completed; expected it to fail");
        return t;
    }

    synchronized List<RolloutGroup> groups() {
        return List.copyOf(groups);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<RolloutRequest> r) {
        requests = r;
    }

    @Override
    public synchronized void onNext(RolloutGroup g) {
        groups.add(g);
    }

    @Override
    public void onError(Throwable t) {
        end.complete(t);
    }

    @Override
    public void onCompleted() {
        end.complete(null);
    }
}
