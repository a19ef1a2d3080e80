package dev.r1serve.server.security;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI generated at test time (EC P-256, valid for a day): a CA, a server certificate for
 * localhost / 127.0.0.1 and a client certificate, written as PEM files (keys as PKCS#8).
 */
final class TestCertificates {

    record Issued(Path cert, Path key) {}

    private static final AtomicLong SERIAL = new AtomicLong(1);

    final Path caCert;
    final Issued server;
    final Issued client;

    private TestCertificates(Path caCert, Issued server, Issued client) {
        this.caCert = caCert;
        this.server = server;
        this.client = client;
    }

    /** Writes {@code name}-ca.pem, server.pem/.key and client.pem/.key under {@code dir}. */
    static TestCertificates create(Path dir, String name) throws IOException, GeneralSecurityException {
        try {
            KeyPair ca = keyPair();
            X500Name caName = new X500Name("CN=" + name + " test CA");
            var caBuilder = builder(caName, caName, ca);
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(caBuilder, ca.getPrivate());
            Path caFile = dir.resolve(name + "-ca.pem");
            writePem(caFile, caCert);

            KeyPair serverKeys = keyPair();
            var server = builder(caName, new X500Name("CN=localhost"), serverKeys);
            server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
            server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            Issued serverFiles = write(dir, name + "-server", sign(server, ca.getPrivate()), serverKeys.getPrivate());

            KeyPair clientKeys = keyPair();
            var client = builder(caName, new X500Name("CN=" + name + " client"), clientKeys);
            client.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            Issued clientFiles = write(dir, name + "-client", sign(client, ca.getPrivate()), clientKeys.getPrivate());
            return new TestCertificates(caFile, serverFiles, clientFiles);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.getAndIncrement()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static Issued write(Path dir, String name, X509Certificate cert, PrivateKey key) throws IOException {
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        writePem(certFile, cert);
        writePem(keyFile, new JcaPKCS8Generator(key, null));
        return new Issued(certFile, keyFile);
    }

    private static void writePem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
    }
}
