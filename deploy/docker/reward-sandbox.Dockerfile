# r1-serve reward sandbox: the RewardService and the bubblewrap code runner (Python 3 and g++ inside).
# Build from the repository root:  docker build -f deploy/docker/reward-sandbox.Dockerfile -t r1-reward:0.1.0 .
# bubblewrap needs user namespaces: run the pod with the seccomp profile RuntimeDefault and an AppArmor
# profile that allows unprivileged user namespaces (see deploy/README.md); never privileged.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -DskipTests install

FROM eclipse-temurin:21-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap python3 g++ \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10002 sandbox && useradd --system --uid 10002 --gid sandbox --create-home sandbox
COPY --from=build /src/cli/target/r1-cli.jar /opt/r1/r1-cli.jar
COPY --from=build /src/cli/target/lib /opt/r1/lib
USER 10002:10002
EXPOSE 50052 9465
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/opt/r1/r1-cli.jar:/opt/r1/lib/*", "dev.r1serve.cli.R1"]
CMD ["reward", "serve", "--port", "50052"]
