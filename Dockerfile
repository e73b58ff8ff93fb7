# syntax=docker/dockerfile:1
# The manila-cg-api image: built with the Rust toolchain, run on a slim
# Debian as an unprivileged user. Configuration comes from the environment
# (DATABASE_URL, MANILA_CG__<SECTION>__<KEY>); see compose.yaml.

FROM rust:1.95-bookworm AS builder
WORKDIR /build
# Dependencies first, against empty sources, so this layer is rebuilt only
# when Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src ./src
COPY migrations ./migrations
# The sources' timestamps may predate the placeholder build's; touch them
# so cargo rebuilds the crate itself.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/manila-cg-api manila
COPY --from=builder /build/target/release/manila-cg-api /usr/local/bin/manila-cg-api
COPY docker/entrypoint.sh /usr/local/bin/manila-cg-api-entrypoint
USER manila
WORKDIR /var/lib/manila-cg-api
ENV MANILA_CG__DEFAULT__OSAPI_SHARE_LISTEN=0.0.0.0 \
    MANILA_CG__DEFAULT__STATE_PATH=/var/lib/manila-cg-api \
    RUST_LOG=info
EXPOSE 8786
# The binary asks its own /healthcheck: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["manila-cg-api", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["manila-cg-api-entrypoint"]
CMD ["serve"]
