# Vesalius: the two commands of the README, plus `build` for the Dockerfile and benchmarks.
#   make run    build, then serve on the embedded default (H2 + blob folder under ./data)
#   make test   build and run the whole test suite
#   make build  build alone (server/target/lib holds the runnable class path)
# Each target first installs what it needs on a fresh Debian/Ubuntu machine (`make deps`).

SHELL := /bin/bash
# Java 21+ is required: take the Temurin 25 installed beside the default JDK 17 even when the
# environment's JAVA_HOME names that 17 (make JAVA_HOME=... on the command line still wins).
JAVA_HOME := $(firstword $(wildcard /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]-jdk-amd64 /usr/lib/jvm/java-2[1-9]-openjdk-amd64) $(JAVA_HOME))
export JAVA_HOME
MVN := mvn -B -ntp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIXELMED_VERSION := 20220618
PIXELMED_IMAGEIO_VERSION := 20200328
M2 := $(HOME)/.m2/repository/com/pixelmed

.PHONY: deps test-deps build test run viewer clean

# PixelMed is not on Maven Central: it comes from Debian's libpixelmed-java.
deps: $(M2)/pixelmed/$(PIXELMED_VERSION)/pixelmed-$(PIXELMED_VERSION).jar $(M2)/pixelmed-imageio/$(PIXELMED_IMAGEIO_VERSION)/pixelmed-imageio-$(PIXELMED_IMAGEIO_VERSION).jar

# The tests' real peers and sample data: DCMTK's tools and pydicom's test files.
# Chromium and Node.js drive the OHIF viewer test (its npm packages install themselves).
test-deps: deps
	@missing=""; \
	command -v storescu >/dev/null || missing="$$missing dcmtk"; \
	[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || missing="$$missing python3-pydicom"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

/usr/share/java/pixelmed.jar /usr/share/java/pixelmed_imageio.jar:
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends libpixelmed-java libpixelmed-imageio-java

# Debian's jars go into the local Maven repository under fixed coordinates, so the poms name
# PixelMed like any other dependency and the build stays plain Maven.
$(M2)/pixelmed/$(PIXELMED_VERSION)/pixelmed-$(PIXELMED_VERSION).jar: /usr/share/java/pixelmed.jar
	cd / && $(MVN) -q install:install-file -Dfile=/usr/share/java/pixelmed.jar \
	  -DgroupId=com.pixelmed -DartifactId=pixelmed -Dversion=$(PIXELMED_VERSION) -Dpackaging=jar -DgeneratePom=true
$(M2)/pixelmed-imageio/$(PIXELMED_IMAGEIO_VERSION)/pixelmed-imageio-$(PIXELMED_IMAGEIO_VERSION).jar: /usr/share/java/pixelmed_imageio.jar
	cd / && $(MVN) -q install:install-file -Dfile=/usr/share/java/pixelmed_imageio.jar \
	  -DgroupId=com.pixelmed -DartifactId=pixelmed-imageio -Dversion=$(PIXELMED_IMAGEIO_VERSION) -Dpackaging=jar -DgeneratePom=true

build: deps
	$(MVN) install -DskipTests

test: test-deps
	$(MVN) install

run: build
	./vesalius serve

# The OHIF viewer served by `./vesalius serve --viewer` at /viewer, built from the npm package.
viewer:
	bash server/src/main/viewer/build-ohif.sh viewer

clean:
	$(MVN) -q clean
