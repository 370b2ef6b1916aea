# Vesalius container image: built the same way as on a developer's machine (make build).
# Debian 13 has Java 21 and PixelMed (libpixelmed-java) as packages.
FROM debian:trixie AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-21-jdk-headless maven make libpixelmed-java libpixelmed-imageio-java \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make build JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64

FROM debian:trixie-slim
# dcmtk: the rendering engine decompresses JPEG-LS and 12-bit lossy JPEG with its dcmdjpls / dcmdjpeg
# (no pure-Java decoder exists); without it those objects render as 501.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-21-jre-headless dcmtk \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/vesalius --create-home vesalius
WORKDIR /opt/vesalius
COPY --from=build /src/server/target/lib server/target/lib
COPY vesalius ./
COPY conf conf
ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64 \
    VESALIUS_DATA_DIR=/var/lib/vesalius/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
USER vesalius
VOLUME /var/lib/vesalius/data
EXPOSE 8080 11112
# Inside a container the server must listen on all addresses: give it sign-in (OIDC) and an AE
# allow-list through the configuration, or --insecure for a trusted network.
CMD ["./vesalius", "serve", "--http-host", "0.0.0.0", "--config", "conf/application.yaml"]
