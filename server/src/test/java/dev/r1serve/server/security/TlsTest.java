package dev.r1serve.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.server.OpsServers;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS on the gRPC port, with certificates generated for the test. */
class TlsTest {

    @TempDir
    static Path dir;

    private static TestCertificates pki;

    @BeforeAll
    static void createCertificates() throws Exception {
        pki = TestCertificates.create(dir, "r1");
    }

    @Test
    void tlsServesTlsClientsAndRefusesPlaintext() throws Exception {
        TlsSettings tls = new TlsSettings(pki.server.cert(), pki.server.key(), null);
        try (R1Server server = OpsServers.start(ServerOptions.DEFAULTS.withTls(tls))) {
            assertEquals(1, listModels(server, b -> b.sslContext(client(false))));
            assertEquals(Status.Code.UNAVAILABLE, failure(server, NettyChannelBuilder::usePlaintext));
        }
    }

    @Test
    void mutualTlsNeedsAClientCertificate() throws Exception {
        TlsSettings tls = new TlsSettings(pki.server.cert(), pki.server.key(), pki.caCert);
        try (R1Server server = OpsServers.start(ServerOptions.DEFAULTS.withTls(tls))) {
            assertEquals(1, listModels(server, b -> b.sslContext(client(true))));
            assertEquals(Status.Code.UNAVAILABLE, failure(server, b -> b.sslContext(client(false))));
        }
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused(@TempDir Path other) throws Exception {
        TestCertificates stranger = TestCertificates.create(other, "stranger");
        TlsSettings tls = new TlsSettings(pki.server.cert(), pki.server.key(), pki.caCert);
        try (R1Server server = OpsServers.start(ServerOptions.DEFAULTS.withTls(tls))) {
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    failure(
                            server,
                            b -> b.sslContext(uncheckedClient(GrpcSslContexts.forClient()
                                    .trustManager(pki.caCert.toFile())
                                    .keyManager(
                                            stranger.client.cert().toFile(),
                                            stranger.client.key().toFile())))));
        }
    }

    @Test
    void missingFilesNameTheSetting() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new TlsSettings(dir.resolve("nope.pem"), pki.server.key(), null));
        assertEquals("tls.cert: cannot read " + dir.resolve("nope.pem"), e.getMessage());
    }

    private static io.netty.handler.ssl.SslContext client(boolean withCertificate) {
        SslContextBuilder b = GrpcSslContexts.forClient().trustManager(pki.caCert.toFile());
        if (withCertificate) {
            b.keyManager(pki.client.cert().toFile(), pki.client.key().toFile());
        }
        return uncheckedClient(b);
    }

    private static io.netty.handler.ssl.SslContext uncheckedClient(SslContextBuilder b) {
        try {
            return b.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int listModels(R1Server server, Function<NettyChannelBuilder, NettyChannelBuilder> transport)
            throws InterruptedException {
        ManagedChannel ch = transport
                .apply(NettyChannelBuilder.forAddress("localhost", server.port()))
                .build();
        try {
            return InferenceServiceGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listModels(ListModelsRequest.getDefaultInstance())
                    .getModelsCount();
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Status.Code failure(R1Server server, Function<NettyChannelBuilder, NettyChannelBuilder> transport)
            throws InterruptedException {
        ManagedChannel ch = transport
                .apply(NettyChannelBuilder.forAddress("localhost", server.port()))
                .build();
        try {
            return assertThrows(
                            StatusRuntimeException.class,
                            () -> InferenceServiceGrpc.newBlockingStub(ch)
                                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .listModels(ListModelsRequest.getDefaultInstance()))
                    .getStatus()
                    .getCode();
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
