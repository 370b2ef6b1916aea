# Vesalius: the two commands of the README, plus `build` for the Dockerfile and benchmarks.
#   make run    build, then serve on the embedded default (H2 + blob folder under ./data)
#   make test   build and run the whole test suite
#   make build  build alone (server/target/lib holds the runnable class path)
# Each target first installs what it needs on a fresh Debian/Ubuntu machine (`make deps`).

SHELL := /bin/bash
# Java 21+ is required; prefer the Temurin 25 installed beside the default JDK.
JAVA_HOME ?= $(firstword $(wildcard /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]-jdk-amd64 /usr/lib/jvm/java-2[1-9]-openjdk-amd64))
export JAVA_HOME
MVN := mvn -B -ntp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIXELMED_VERSION := 20220618
PIXELMED_IMAGEIO_VERSION := 20200328
M2 := $(HOME)/.m2/repository/com/pixelmed

.PHONY: deps build test run clean

# System packages: PixelMed (not on Maven Central) and DCMTK (the real DIMSE peers of the tests).
deps: $(M2)/pixelmed/$(PIXELMED_VERSION)/pixelmed-$(PIXELMED_VERSION).jar $(M2)/pixelmed-imageio/$(PIXELMED_IMAGEIO_VERSION)/pixelmed-imageio-$(PIXELMED_IMAGEIO_VERSION).jar

/usr/share/java/pixelmed.jar /usr/share/java/pixelmed_imageio.jar /usr/bin/storescu:
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends libpixelmed-java libpixelmed-imageio-java dcmtk

# Debian's jars go into the local Maven repository under fixed coordinates, so the poms name
# PixelMed like any other dependency and the build stays plain Maven.
$(M2)/pixelmed/$(PIXELMED_VERSION)/pixelmed-$(PIXELMED_VERSION).jar: /usr/share/java/pixelmed.jar /usr/bin/storescu
	cd / && $(MVN) -q install:install-file -Dfile=/usr/share/java/pixelmed-$(PIXELMED_VERSION).jar \
	  -DgroupId=com.pixelmed -DartifactId=pixelmed -Dversion=$(PIXELMED_VERSION) -Dpackaging=jar -DgeneratePom=true
$(M2)/pixelmed-imageio/$(PIXELMED_IMAGEIO_VERSION)/pixelmed-imageio-$(PIXELMED_IMAGEIO_VERSION).jar: /usr/share/java/pixelmed_imageio.jar
	cd / && $(MVN) -q install:install-file -Dfile=/usr/share/java/pixelmed_imageio-$(PIXELMED_IMAGEIO_VERSION).jar \
	  -DgroupId=com.pixelmed -DartifactId=pixelmed-imageio -Dversion=$(PIXELMED_IMAGEIO_VERSION) -Dpackaging=jar -DgeneratePom=true

build: deps
	$(MVN) install -DskipTests

test: deps
	$(MVN) install

run: build
	./vesalius serve

clean:
	$(MVN) -q clean
