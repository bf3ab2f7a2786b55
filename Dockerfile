# orgexit in a container: `docker run --rm -v "$HOME/.aws:/home/nonroot/.aws:ro" IMAGE audit ...`.
# Built from this directory; the release workflow builds it for linux/amd64 and linux/arm64.

# The build: a static (musl) binary, so the image needs no C library.
FROM rust:1.95-slim-bookworm AS build
# musl-gcc for the crates that build C (ring, mimalloc). Debian pins the version per release.
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The image has no .git: the workflow passes the commit for `orgexit --version`.
ARG ORGEXIT_GIT_COMMIT=unknown
ENV ORGEXIT_GIT_COMMIT=${ORGEXIT_GIT_COMMIT}
RUN target="$(uname -m)-unknown-linux-musl" \
    && rustup target add "$target" \
    && cargo build --release --locked --target "$target" \
    && cp "target/$target/release/orgexit" /orgexit

# The image: the binary, CA certificates and a non-root user; no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /orgexit /usr/local/bin/orgexit
# distroless's nonroot user, by number so the host can resolve it.
USER 65532:65532
ENTRYPOINT ["orgexit"]
CMD ["--help"]
