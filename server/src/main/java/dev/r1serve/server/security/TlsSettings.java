package dev.r1serve.server.security;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS on the gRPC port, from PEM files; with {@code clientCa} also mutual TLS (clients must present a
 * certificate signed by that CA).
 *
 * @param certChain the server's certificate chain (PEM)
 * @param privateKey the server's private key (PKCS#8 PEM)
 * @param clientCa CA certificates that sign client certificates (PEM); null for server-only TLS
 */
public record TlsSettings(Path certChain, Path privateKey, Path clientCa) {

    public TlsSettings {
        requireFile("tls.cert", certChain);
        requireFile("tls.key", privateKey);
        if (clientCa != null) {
            requireFile("tls.clientCa", clientCa);
        }
    }

    /** Whether clients must present a certificate. */
    public boolean mutual() {
        return clientCa != null;
    }

    /** Puts TLS (and client authentication with {@link #mutual()}) on {@code builder}. */
    public void applyTo(NettyServerBuilder builder) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forServer(certChain.toFile(), privateKey.toFile());
            if (clientCa != null) {
                ssl.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            builder.sslContext(ssl.build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "TLS: cannot use certificate " + certChain + " with key " + privateKey
                            + (clientCa == null ? "" : " and client CA " + clientCa) + ": " + e.getMessage(),
                    e);
        }
    }

    private static void requireFile(String field, Path file) {
        if (file == null) {
            throw new IllegalArgumentException(field + " is required for TLS");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(field + ": cannot read " + file);
        }
    }
}
