package dev.r1serve.client;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.RolloutServiceGrpc;
import dev.r1serve.proto.v1.ScoreRequest;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * The Java client of r1-serve: blocking, async and streaming generation, model listing and reward
 * scoring, over one gRPC channel.
 *
 * <pre>{@code
 * try (R1Client client = R1Client.builder("dns:///r1-serve.default.svc:50051").apiKey(key).build()) {
 *     Completion c = client.generate(GenerateRequest.newBuilder().setModel("r1-distill-qwen-1.5b")
 *             .setChat(...).setSampling(SamplingParams.newBuilder().setN(4)).build());
 *     c.samples().forEach(s -> System.out.println(s.answer()));
 * }
 * }</pre>
 *
 * <p>Calls are retried, with exponential backoff and jitter, only where that is safe: on UNAVAILABLE and
 * RESOURCE_EXHAUSTED (waiting at least the server's {@code retry-after-ms} hint), and for streams only
 * before the first chunk arrived, never after tokens were received. Every call gets the default deadline
 * unless it names its own; cancelling a stream (closing its iterator, cancelling its subscription)
 * cancels the server's work.
 */
public final class R1Client implements AutoCloseable {

    static {
        NameResolverRegistry.getDefaultRegistry().register(new StaticNameResolverProvider());
    }

    private final ManagedChannel channel;
    private final Duration defaultDeadline;
    private final CallCredentials credentials;
    private final RetryConfig retryConfig;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService retryTimer;

    private R1Client(Builder b) {
        this.channel = b.buildChannel();
        this.defaultDeadline = b.defaultDeadline;
        this.credentials = b.apiKey == null ? null : new BearerCredentials(b.apiKey);
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.retryConfig = RetryConfig.custom()
                .maxAttempts(b.maxAttempts)
                .retryOnException(R1Client::retriable)
                .intervalBiFunction((Integer attempt, Either<Throwable, Object> outcome) ->
                        backoffMillis(attempt, outcome.isLeft() ? outcome.getLeft() : null, initialBackoff, maxBackoff))
                .build();
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("r1-client-retry").daemon().factory());
    }

    /** Plaintext client for {@code target} with the defaults (see {@link Builder}). */
    public static R1Client connect(String target) {
        return builder(target).build();
    }

    /**
     * A builder for {@code target}: {@code host:port}; {@code dns:///svc:port} (every address the name resolves
     * to, balanced round-robin: a Kubernetes headless Service); or {@code static:///h1:p1,h2:p2} (a fixed list,
     * balanced round-robin).
     */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    // ---- domain API -------------------------------------------------------------------------------------

    /** Generates all n samples and returns them together; retried on UNAVAILABLE / RESOURCE_EXHAUSTED. */
    public Completion generate(GenerateRequest request) {
        return Completion.of(
                retry("generate").executeSupplier(() -> blocking(null).generate(request)));
    }

    /** Like {@link #generate(GenerateRequest)} without blocking the caller. */
    public CompletableFuture<Completion> generateAsync(GenerateRequest request) {
        return Retry.decorateCompletionStage(retry("generateAsync"), retryTimer, () -> {
                    CompletableFuture<GenerateResponse> f = new CompletableFuture<>();
                    withOptions(InferenceServiceGrpc.newStub(channel), null)
                            .generate(request, new io.grpc.stub.StreamObserver<>() {
                                @Override
                                public void onNext(GenerateResponse r) {
                                    f.complete(r);
                                }

                                @Override
                                public void onError(Throwable t) {
                                    f.completeExceptionally(t);
                                }

                                @Override
                                public void onCompleted() {}
                            });
                    return f;
                })
                .get()
                .toCompletableFuture()
                .thenApply(Completion::of);
    }

    /**
     * Streams a generation as events. Close the stream to cancel it (and the server's work) early. A
     * failure before the first event is retried; after it, it is thrown from {@code hasNext()/next()}.
     */
    public GenerationStream stream(GenerateRequest request) {
        return new GenerationStream(request);
    }

    /**
     * Streams a generation to a {@link Flow.Subscriber} with back-pressure: the server sends only what the
     * subscriber requested; cancelling the subscription cancels the call. Not retried.
     */
    public Flow.Publisher<StreamEvent> publisher(GenerateRequest request) {
        return subscriber -> new StreamSubscription(request, Objects.requireNonNull(subscriber)).start();
    }

    /**
     * Bridges one GenerateStream call to a Flow subscriber: the call starts with nothing requested, the
     * subscriber's demand becomes gRPC requests, and nothing is signalled before onSubscribe.
     */
    private final class StreamSubscription extends CallSubscription<StreamEvent> {
        private final GenerateRequest request;

        StreamSubscription(GenerateRequest request, Flow.Subscriber<? super StreamEvent> subscriber) {
            super(subscriber);
            this.request = request;
        }

        void start() {
            withOptions(InferenceServiceGrpc.newStub(channel), null)
                    .generateStream(request, new ClientResponseObserver<GenerateRequest, GenerateChunk>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<GenerateRequest> c) {
                            attach(c);
                        }

                        @Override
                        public void onNext(GenerateChunk c) {
                            if (!isDone()) {
                                subscriber.onNext(StreamEvent.of(c));
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            finish(t, false);
                        }

                        @Override
                        public void onCompleted() {
                            finish(null, true);
                        }
                    });
            subscribe();
        }
    }

    /** Groups outstanding on one {@link #rollouts} stream by default (the server's default limit is 128). */
    public static final int DEFAULT_ROLLOUTS_IN_FLIGHT = 64;

    /**
     * GRPO sampling and scoring in one stream (RolloutService, {@code r1 serve --rewards}): each request is one
     * prompt whose group of {@code generate.sampling.n} samples comes back scored, with advantages, in completion
     * order (match by id). At most {@link #DEFAULT_ROLLOUTS_IN_FLIGHT} requests are outstanding at once; the
     * call has the client's default deadline. Cancelling the subscription cancels the server's sequences and
     * sandbox runs. Not retried. {@code requests} is read on gRPC threads and should not block.
     */
    public Flow.Publisher<RolloutGroup> rollouts(Iterable<RolloutRequest> requests) {
        return rollouts(requests, DEFAULT_ROLLOUTS_IN_FLIGHT, null);
    }

    /**
     * As {@link #rollouts(Iterable)} with at most {@code maxInFlight} groups outstanding (at most the server's
     * limit, which answers more with RESOURCE_EXHAUSTED) and a deadline for the whole stream (null: the default).
     */
    public Flow.Publisher<RolloutGroup> rollouts(
            Iterable<RolloutRequest> requests, int maxInFlight, Duration deadline) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
        }
        Objects.requireNonNull(requests);
        return subscriber -> new RolloutSubscription(
                        requests.iterator(), maxInFlight, Objects.requireNonNull(subscriber))
                .start(withOptions(RolloutServiceGrpc.newStub(channel), deadline));
    }

    /** The hosted models. */
    public List<ModelInfo> listModels() {
        return retry("listModels")
                .executeSupplier(() -> blocking(null)
                        .listModels(ListModelsRequest.getDefaultInstance())
                        .getModelsList());
    }

    /** Scores rollouts with the RewardService (rule-based rewards and GRPO advantages). */
    public List<RolloutResult> score(List<Rollout> rollouts) {
        return retry("score")
                .executeSupplier(() -> withOptions(RewardServiceGrpc.newBlockingStub(channel), null)
                        .score(ScoreRequest.newBuilder()
                                .addAllRollouts(rollouts)
                                .build())
                        .getResultsList());
    }

    // ---- protocol-level API (no retries): for tools that want the raw messages ----------------------------

    /** The raw Generate call with the default deadline. */
    public GenerateResponse generateRaw(GenerateRequest request) {
        return blocking(null).generate(request);
    }

    /** As {@link #generateRaw} with its own deadline. */
    public GenerateResponse generate(GenerateRequest request, Duration deadline) {
        return blocking(deadline).generate(request);
    }

    /**
     * The raw GenerateStream call with the default deadline. Abandoning the iterator before its end leaves the
     * call running until its deadline: drain it, or use {@link #stream}.
     */
    public Iterator<GenerateChunk> generateStream(GenerateRequest request) {
        return blocking(null).generateStream(request);
    }

    /** As {@link #generateStream(GenerateRequest)} with its own deadline for the whole call. */
    public Iterator<GenerateChunk> generateStream(GenerateRequest request, Duration deadline) {
        return blocking(deadline).generateStream(request);
    }

    /** The underlying channel, for stubs of other services (health, reflection). */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- internals ---------------------------------------------------------------------------------------

    private InferenceServiceGrpc.InferenceServiceBlockingStub blocking(Duration deadline) {
        return withOptions(InferenceServiceGrpc.newBlockingStub(channel), deadline);
    }

    private <S extends AbstractStub<S>> S withOptions(S stub, Duration deadline) {
        Duration d = deadline != null ? deadline : defaultDeadline;
        S s = stub.withDeadlineAfter(d.toMillis(), TimeUnit.MILLISECONDS).withMaxInboundMessageSize(64 << 20);
        return credentials == null ? s : s.withCallCredentials(credentials);
    }

    private Retry retry(String name) {
        return Retry.of(name, retryConfig);
    }

    /** Whether a failure is transient and a retry may succeed: UNAVAILABLE and RESOURCE_EXHAUSTED. */
    public static boolean retriable(Throwable t) {
        Status.Code code = Status.fromThrowable(t).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** Exponential backoff with full jitter, but never sooner than the server's retry hint. */
    static long backoffMillis(int attempt, Throwable failure, Duration initial, Duration max) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(20, attempt - 1));
        long wait = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        // a malformed hint is no hint
        OptionalLong hint = failure == null ? OptionalLong.empty() : ErrorDetails.retryAfterMillis(failure);
        if (hint.isPresent()) wait = Math.max(wait, Math.min(max.toMillis(), hint.getAsLong()));
        return wait;
    }

    /**
     * A streamed generation as an iterator of events. Retries happen only while nothing was received;
     * {@link #close()} cancels the call and the server's work.
     */
    public final class GenerationStream implements Iterator<StreamEvent>, AutoCloseable {
        private final GenerateRequest request;
        private Context.CancellableContext context;
        private Iterator<GenerateChunk> chunks;
        private boolean received;
        private final AtomicLong attempts = new AtomicLong();

        private GenerationStream(GenerateRequest request) {
            this.request = request;
            open();
        }

        private void open() {
            attempts.incrementAndGet();
            context = Context.current().withCancellation();
            Context previous = context.attach();
            try {
                chunks = blocking(null).generateStream(request);
            } finally {
                context.detach(previous);
            }
        }

        /** Calls made so far (1 + retries). */
        public long attempts() {
            return attempts.get();
        }

        @Override
        public boolean hasNext() {
            while (true) {
                try {
                    boolean more = chunks.hasNext();
                    if (!more) {
                        context.cancel(null);
                    }
                    return more;
                } catch (StatusRuntimeException e) {
                    if (received || !retriable(e) || attempts.get() >= retryConfig.getMaxAttempts()) {
                        context.cancel(null);
                        throw e;
                    }
                    long wait = backoffMillis((int) attempts.get(), e, initialBackoff, maxBackoff);
                    context.cancel(null);
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                    open();
                }
            }
        }

        @Override
        public StreamEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            received = true;
            return StreamEvent.of(chunks.next());
        }

        /** Cancels the call if it is still running. */
        @Override
        public void close() {
            context.cancel(null);
        }
    }

    /** {@code authorization: Bearer <key>} on every call. */
    private static final class BearerCredentials extends CallCredentials {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final String key;

        BearerCredentials(String key) {
            this.key = key;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + key);
            applier.apply(headers);
        }
    }

    /** Settings of a client; every one has a default. */
    public static final class Builder {
        private final String target;
        private File trustedCa;
        private File clientCert;
        private File clientKey;
        private String apiKey;
        private Duration defaultDeadline = Duration.ofMinutes(30);
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);

        private Builder(String target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** TLS, trusting the server certificates signed by this CA (PEM). */
        public Builder tls(File trustedCaPem) {
            this.trustedCa = trustedCaPem;
            return this;
        }

        /** Mutual TLS: present this client certificate chain and PKCS#8 key (PEM); implies TLS. */
        public Builder clientCertificate(File certChainPem, File privateKeyPem) {
            this.clientCert = certChainPem;
            this.clientKey = privateKeyPem;
            return this;
        }

        /** Sends {@code authorization: Bearer <key>} on every call. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Deadline of calls that do not name one (default 30 minutes: long R1 generations). */
        public Builder defaultDeadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("defaultDeadline must be > 0, got " + deadline);
            }
            this.defaultDeadline = deadline;
            return this;
        }

        /** Attempts per call, the first included (default 5; 1 disables retries). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Backoff before the first retry (doubling up to {@code max}, with jitter). */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff wants 0 < initial <= max, got " + initial + ", " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public R1Client build() {
            return new R1Client(this);
        }

        private ManagedChannel buildChannel() {
            NettyChannelBuilder b = NettyChannelBuilder.forTarget(target).maxInboundMessageSize(64 << 20);
            if (target.startsWith("dns:") || target.startsWith(StaticNameResolverProvider.SCHEME + ":")) {
                b.defaultLoadBalancingPolicy("round_robin");
            }
            if (trustedCa == null && clientCert == null) {
                return b.usePlaintext().build();
            }
            try {
                SslContextBuilder ssl = GrpcSslContexts.forClient();
                if (trustedCa != null) {
                    ssl.trustManager(trustedCa);
                }
                if (clientCert != null) {
                    ssl.keyManager(clientCert, clientKey);
                }
                return b.sslContext(ssl.build()).build();
            } catch (SSLException e) {
                throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
    }
}
