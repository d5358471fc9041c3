# syntax=docker/dockerfile:1
# The service on the current Node LTS (24), as built output with production dependencies only.
#
# Base image: NODE_IMAGE. For a reproducible build, pin it by digest — the digest `docker buildx
# imagetools inspect node:24-bookworm-slim` prints for the tag on the day you build — and record it:
#   docker build --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest> -t touchpoint .
# Both stages use the same image, so the native addon (better-sqlite3) is built for the runtime's Node.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: compiles better-sqlite3's native addon and the TypeScript sources (src, adapters and
# every scripts/*.ts, per tsconfig.build.json), then drops the dev dependencies (tsx, esbuild, tsc).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY scripts ./scripts
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# Run stage: the compiled service (dist/src), the operator scripts (dist/scripts: run them with
# `docker exec <container> node dist/scripts/<name>.js …`), the migrations, and nothing else.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production DATABASE_PATH=/data/touchpoint.db BACKUP_DIR=/data/backups PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/migrations ./migrations
COPY --chown=node:node package.json ./
# The database holds OAuth tokens: its directory is the service user's alone (the service also
# creates every file with umask 077, so the database, its WAL and the backups are 0600).
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Readiness, not liveness: unhealthy when the database is read-only or full, ticks or deliveries
# fail, due reminders pile up, or a platform cannot be reached (GET /readyz says which).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# node itself is PID 1 and receives docker stop's SIGTERM: the service stops within 10 s.
CMD ["node", "dist/src/main.js"]
