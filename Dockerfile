# scimd container image: a build stage compiles TypeScript to dist/ and builds better-sqlite3's
# native module; the runtime stage carries only dist/, bin/ and the production node_modules, runs as
# the unprivileged `node` user, keeps its SQLite database (if no DATABASE_URL) on the /data volume,
# and reports health from /readyz.
#   docker build -t scimd .
#   docker run -p 8080:8080 -v scimd-data:/data scimd
# BASE_IMAGE replaces the Node 20 Debian base (both stages), e.g. a locally built one where
# Docker Hub cannot be reached: docker build --build-arg BASE_IMAGE=scimd-base:node20-bookworm .
# See docs/operations.md, "Containers".

ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY bin/ bin/
COPY src/ src/
COPY console/ console/
# npm ci installs every dependency and runs `prepare` (the build into dist/ and the console into
# console/dist/); then drop the development dependencies (TypeScript, tsx, vite, test tools).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -f dist/.tsbuildinfo

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# No curl in the slim image: Node's own fetch asks /readyz (200 once the database answers).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (in-flight requests finish, pending writes are flushed).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/scimd.js"]
CMD ["serve"]
