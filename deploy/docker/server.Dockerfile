# r1-serve server, CPU image with the embedded llama.cpp engine (natives bundled in java-llama.cpp).
# Build from the repository root:  docker build -f deploy/docker/server.Dockerfile -t r1-serve:0.1.0 .
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -DskipTests install

FROM eclipse-temurin:21-jre
# A fixed non-root user; the GGUF models are mounted read-only under /models.
RUN groupadd --system --gid 10001 r1 && useradd --system --uid 10001 --gid r1 --home /home/r1 --create-home r1
COPY --from=build /src/cli/target/r1-cli.jar /opt/r1/r1-cli.jar
COPY --from=build /src/cli/target/lib /opt/r1/lib
COPY --from=build /src/cli/logging.properties /opt/r1/logging.properties
ENV R1_HOME=/home/r1/.cache/r1-serve
USER 10001:10001
EXPOSE 50051 9464
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", \
            "-Djava.util.logging.config.file=/opt/r1/logging.properties", \
            "-Dde.kherud.llama.tmpdir=/tmp/jllama", \
            "-cp", "/opt/r1/r1-cli.jar:/opt/r1/lib/*", "dev.r1serve.cli.R1"]
CMD ["serve", "--config", "/etc/r1-serve/r1.yaml"]
